//! The help of every command and flag in Chinese.
//!
//! [`HELP`] holds one row per command (argument id `""`: the command's
//! one-line description) and per flag or argument. A command path is the
//! subcommand names from the top, space-separated (`""` for the tool itself,
//! `"witness serve"`). Path `"*"` gives the help of a flag that several
//! commands share under one id (`encoding`, `chain`, ...), used where no row
//! names the command itself. The test below keeps the table complete: every
//! command and flag has Chinese help, and no row names one that is gone.
//!
//! A `"*"` row also serves any later command that adds a flag under the same
//! id, so the test cannot see a flag that means something else there: give
//! such a command its own row. The texts do not name the possible values or
//! the default: `clap_zh.rs` appends them in Chinese (a text may still
//! say what a value means). Terms follow the Chinese guide and the brief:
//! 检查对象名录, 执法检查人员名录, 抽查事项清单, 回避清单, 凭证链,
//! 结果台账, 记录编号, 副署 (a witness's cosignature), 盐值, 证明包.

/// (command path, argument id or `""`, Chinese help).
pub const HELP: &[(&str, &str, &str)] = &[
    ("", "", "可证明的“双随机、一公开”抽查抽取。"),
    ("", "quiet", "不显示进度（只在标准错误输出是终端时才显示）"),
    (
        "",
        "lang",
        "提示和帮助的语言：zh 为中文，en 为英文（未给时按 DOUBLE_RANDOM_LANG、LC_ALL、LC_MESSAGES、LANG）",
    ),
    // Shared by several commands under one id (used where no row names the
    // command itself).
    (
        "*",
        "encoding",
        "CSV 文件的编码：auto 为 UTF-8（可带 BOM），否则按 GB18030",
    ),
    (
        "*",
        "uscc_policy",
        "统一社会信用代码校验位的处理方式：lenient 接受合法的试点代码并给出警告",
    ),
    ("*", "json", "输出 JSON，而非文本"),
    ("*", "chain", "签发单位的凭证链文件"),
    ("*", "key", "签发单位的私钥文件"),
    ("*", "public_key", "签发单位的公钥文件"),
    ("*", "entities", "检查对象名录（CSV 或 .xlsx）"),
    ("*", "inspectors", "执法检查人员名录"),
    ("*", "conflicts", "已申报的回避清单"),
    ("*", "items", "抽查事项清单（任务列明事项时必需）"),
    (
        "*",
        "created_at",
        "记录时间，代替当前时钟，须写明时区：`2026-12-02 09:00 北京时间`、`…+08:00` 或 `…Z`（按 UTC 保存）",
    ),
    (
        "*",
        "witness_urls",
        "请此见证服务副署追加后的最新记录（可多次给出）",
    ),
    (
        "*",
        "witness_keys",
        "信任的见证方的公钥文件（可多次给出）：每次抽取的承诺须在其随机数产生之前经其副署",
    ),
    (
        "*",
        "witness_threshold",
        "每个承诺需要多少个不同的信任见证方",
    ),
    (
        "*",
        "cosignatures",
        "副署文件（默认为链旁的 CHAIN.cosignatures.jsonl）",
    ),
    (
        "*",
        "conflict_salt",
        "十六进制的回避清单盐值（默认从 CHAIN.secrets.jsonl 读取）",
    ),
    ("*", "draw", "抽取（记录编号或其前缀）"),
    ("*", "reason_text", "理由的具体说明（other 时必填）"),
    ("*", "force", "覆盖已存在的输出文件（从不跟随符号链接）"),
    ("*", "ledger", "签发单位的结果台账"),
    ("*", "uscc", "检查对象的统一社会信用代码"),
    (
        "*",
        "calendar_files",
        "日历文件：某一年国务院办公厅的节假日安排通知（TOML，docs/calendar.md），用于内置表缺少的年份；可多次给出，每年一个",
    ),
    ("*", "inspection_start", "检查开始日期（YYYY-MM-DD）"),
    (
        "*",
        "inspection_end",
        "检查结束日期；20 个工作日的录入期限自该日起算",
    ),
    (
        "*",
        "method",
        "检查方式：on-site、written、online-monitoring、entrusted（或中文写法）；可重复，或以逗号分隔",
    ),
    (
        "*",
        "category",
        "检查结果类别，写代码（no-problem、problem-pending……）或平台的中文表述；可多次给出",
    ),
    ("*", "findings", "检查发现（仅内部留存，不公示）"),
    (
        "*",
        "follow_up",
        "后续处置 `KIND[:outcome]`，KIND 为 penalty-decision、transfer-to-agency、transfer-to-judicial、abnormal-list、ordered-to-correct、joint-credit-punishment 之一（可重复）",
    ),
    (
        "*",
        "inspector",
        "检查人员编号（执法证号）；默认为该对象抽取时产生或抽取后调整的检查组（可重复）",
    ),
    (
        "*",
        "item",
        "本部门检查的抽查事项（编号）（可重复，或以逗号分隔）；单一部门的任务默认为任务的全部事项",
    ),
    ("*", "state", "见证方的状态目录（不存在时新建）"),
    (
        "*",
        "kind",
        "该文件是哪一种日志：receipts 为凭证链，results 为结果台账",
    ),
    // check-registers
    (
        "check-registers",
        "",
        "检查名录：按信用风险分类和部门计数，并列出发现的每个问题。",
    ),
    ("check-registers", "items", "抽查事项清单"),
    ("check-registers", "on", "按此日期核对执法检查人员的证件"),
    ("check-registers", "json", "输出 JSON 格式的报告，而非文本"),
    // diff-registers
    (
        "diff-registers",
        "",
        "检查对象名录两个版本之间的季度增减清单",
    ),
    ("diff-registers", "old", "检查对象名录的较早版本"),
    ("diff-registers", "new", "较晚的版本"),
    // item-list
    ("item-list", "", "供公示的抽查事项清单（xlsx 工作簿）"),
    ("item-list", "items", "抽查事项清单（CSV 或 .xlsx）"),
    ("item-list", "xlsx", "供公示的清单写入此文件（xlsx）"),
    (
        "item-list",
        "issuer",
        "发布单位，写在标题中（如 阳城县水务局）",
    ),
    ("item-list", "department", "只列此部门（检查主体）的事项"),
    // plan
    (
        "plan",
        "",
        "任务的抽查范围和本任务名录库，以及各信用风险分类的名录库户数、抽查比例、实际抽查比例和抽取户数",
    ),
    ("plan", "task", "任务文件（TOML，见 docs/task-file.md）"),
    (
        "plan",
        "entities",
        "检查对象名录（CSV 或 .xlsx）：任务按抽查范围从这份主名录中确定本任务名录库",
    ),
    ("plan", "json", "输出 JSON 格式的报告，而非文本"),
    // year
    (
        "year",
        "",
        "年度抽查工作计划：各批次的名录库户数和抽取户数、任务间的重合、HTML 文档",
    ),
    ("year", "plan", "年度计划文件（TOML，见 docs/year-plan.md）"),
    (
        "year",
        "entities",
        "检查对象名录（CSV 或 .xlsx）：各任务按抽查范围从这份主名录中选取",
    ),
    ("year", "json", "输出 JSON 格式的报告，而非文本"),
    (
        "year",
        "out",
        "另把计划写成 HTML 文档（中文标题），存入此文件",
    ),
    // keygen
    (
        "keygen",
        "",
        "生成签发单位的签名私钥（PREFIX.key，权限 0600）和公钥（PREFIX.pub）。",
    ),
    ("keygen", "issuer", "签发单位的名称，如 阳城县水务局"),
    (
        "keygen",
        "out",
        "路径前缀：写出 PREFIX.key（私钥，权限 0600）和 PREFIX.pub",
    ),
    (
        "keygen",
        "passphrase",
        "用口令保护私钥文件（age 文件，scrypt）：在终端输入两次，或从 DOUBLE_RANDOM_PASSPHRASE 读取。此后每个命令使用该私钥都需要口令。",
    ),
    // commit
    (
        "commit",
        "",
        "在随机数产生之前，把任务及其名录承诺到凭证链上。",
    ),
    (
        "commit",
        "chain",
        "签发单位的凭证链文件（JSON Lines）；不存在时新建",
    ),
    ("commit", "task", "任务文件（TOML）"),
    (
        "commit",
        "randomness_plan",
        "随机数的来源：`drand:quicknet:ROUND`、`drand:CHAINHASH:ROUND`、`ceremony:TIME:PROCEDURE`（TIME 须写明时区，如 `2026-12-02 09:00 北京时间`）或 `local`",
    ),
    ("commit", "witness", "抽签仪式的见证人（可多次给出）"),
    (
        "commit",
        "witness_urls",
        "记录追加后，立即请此见证服务副署新的最新记录（可多次给出）；副署写入 CHAIN.cosignatures.jsonl",
    ),
    // draw
    ("draw", "", "用公开随机数为承诺抽取检查对象和检查组。"),
    (
        "draw",
        "randomness",
        "十六进制的随机数值（drand 时为该轮次的 `randomness`）",
    ),
    (
        "draw",
        "beacon_signature",
        "随机信标对该轮次的签名，十六进制（drand 的 `signature`）；随机数值即为其 SHA-256，可不给 `--randomness`",
    ),
    (
        "draw",
        "commitment",
        "要抽取的承诺（记录编号或其前缀）；默认为链上唯一一个待抽取的承诺",
    ),
    ("draw", "task_id", "改为抽取此任务编号的待抽取承诺"),
    (
        "draw",
        "unwitnessed",
        "即使没有信任的见证方在随机数产生之前副署承诺，也进行抽取；抽取记录将注明 `unwitnessed`，每个核验方都会报告这一点",
    ),
    // cancel
    ("cancel", "", "以签名的理由撤销一个承诺（该承诺永不抽取）。"),
    (
        "cancel",
        "commitment",
        "要撤销的承诺（记录编号或其前缀）；默认为唯一一个待抽取的承诺",
    ),
    ("cancel", "task_id", "改为撤销此任务编号的待抽取承诺"),
    ("cancel", "reason", "该承诺永不抽取的理由（记录并签名）"),
    // replace
    (
        "replace",
        "",
        "抽取之后：执法人员离开检查组（回避、病假、调离），由抽取后规则确定接替人员。",
    ),
    (
        "replace",
        "uscc",
        "检查组发生变动的检查对象（统一社会信用代码）",
    ),
    ("replace", "leaving", "离开检查组的执法人员（执法证号）"),
    (
        "replace",
        "reason",
        "原因：recusal（回避）、illness（病假）、transfer（调离）或 other（须同时给 --reason-text）",
    ),
    // supplement
    (
        "supplement",
        "",
        "抽取之后：已抽中的对象无法检查（注销、迁出、无法联系）时，以同一分类的下一序位替换（补充抽取）。",
    ),
    (
        "supplement",
        "replaced",
        "无法检查的已抽中对象（统一社会信用代码）",
    ),
    (
        "supplement",
        "reason",
        "原因：deregistered（注销）、moved-out（迁出）、unreachable（无法联系）或 other（须同时给 --reason-text）",
    ),
    // verify
    (
        "verify",
        "",
        "核验凭证链：签名、链规则、重放每次抽取，以及名录。",
    ),
    (
        "verify",
        "entities",
        "检查对象名录，用于完全核验（须同时给 --inspectors 和 --conflicts）",
    ),
    ("verify", "inspectors", "执法检查人员名录，用于完全核验"),
    ("verify", "conflicts", "已申报的回避清单，用于完全核验"),
    ("verify", "items", "抽查事项清单，用于完全核验"),
    (
        "verify",
        "conflict_salt",
        "所有承诺共用的一个十六进制回避清单盐值（与 --secrets 同用时：用于该文件未列出的承诺）",
    ),
    (
        "verify",
        "secrets",
        "本单位的盐值文件：各承诺的回避清单盐值（未给 --conflict-salt 时，默认为链旁的 CHAIN.secrets.jsonl，如果存在）",
    ),
    (
        "verify",
        "report",
        "写出可供引用的报告（HTML）：各输入文件及其 SHA-256、签发单位公钥、版本、每项检查及其结果、每次抽取的时间和见证方",
    ),
    (
        "verify",
        "force",
        "覆盖已存在的 --report 文件（从不跟随符号链接）",
    ),
    (
        "verify",
        "randomness_policy",
        "接受哪些随机数（默认：any-plan）：witnessed-drand 把本地随机数、仪式随机数、未经见证的抽取和缺少见证证据的抽取都判为错误",
    ),
    ("verify", "strict", "即 --randomness-policy witnessed-drand"),
    (
        "verify",
        "draw",
        "给出名录时：只检查记录编号以此开头的那次抽取",
    ),
    (
        "verify",
        "level",
        "检查深度（默认：给出名录时为 full，否则为 replay）：chain 查签名和链规则，replay 另重放每次抽取，full 另用名录文件核对",
    ),
    ("verify", "json", "输出 JSON 格式的报告，而非文本"),
    (
        "verify",
        "ledger",
        "签发单位的结果台账，一并核验（合为一个结论）",
    ),
    (
        "verify",
        "calendar_files",
        "与 --ledger 同用：内置节假日表缺少的年份的日历文件（TOML，docs/calendar.md）；可多次给出，每年一个",
    ),
    (
        "verify",
        "approver_key",
        "审批人（单位负责人）的公钥文件：每条更正须带有其中一把公钥的签名（可重复）",
    ),
    (
        "verify",
        "published",
        "要对照台账公示检查点核对的已公示文件（可重复）",
    ),
    // prove
    (
        "prove",
        "",
        "为一个检查对象写出证明包：是否在本任务名录库中、所属分类、序位、是否被抽中。",
    ),
    ("prove", "entities", "作出承诺时所用的检查对象名录"),
    (
        "prove",
        "commitment",
        "承诺（记录编号或其前缀）；默认为检查对象名录根与该名录相符的最近一个承诺",
    ),
    ("prove", "out", "把证明包写入此文件，而非标准输出"),
    (
        "prove",
        "force",
        "覆盖已存在的 --out 文件（从不跟随符号链接）",
    ),
    // verify-proof
    ("verify-proof", "", "单独核验一个证明包。"),
    ("verify-proof", "proof", "证明包（由 `prove` 生成）"),
    (
        "verify-proof",
        "witness_keys",
        "信任的见证方的公钥文件（可重复）：承诺须在其随机数产生之前经其中 --witness-threshold 个见证方副署（与 --cosignatures 同用）",
    ),
    (
        "verify-proof",
        "witness_threshold",
        "需要多少个不同的信任见证方",
    ),
    (
        "verify-proof",
        "cosignatures",
        "签发单位公开的副署文件（CHAIN.cosignatures.jsonl）",
    ),
    // show
    (
        "show",
        "",
        "仅凭凭证链和公钥，列出链上的任务、承诺、抽取（抽中的代码、检查组）和撤销。",
    ),
    // record-result
    (
        "record-result",
        "",
        "把一个抽中对象的检查结果记入结果台账。",
    ),
    (
        "record-result",
        "witness_urls",
        "记录追加后，立即请此见证服务副署台账新的最新记录（可多次给出）；副署写入 LEDGER.cosignatures.jsonl",
    ),
    (
        "record-result",
        "ledger",
        "签发单位的结果台账（JSON Lines）；不存在时新建",
    ),
    ("record-result", "chain", "签发单位的凭证链，含该次抽取"),
    (
        "record-result",
        "draw",
        "抽中该对象的那次抽取（记录编号或其前缀）",
    ),
    (
        "record-result",
        "department",
        "录入本部门检查结果的部门（谁检查、谁录入）；默认为任务的发起部门。联合抽查中各部门分别录入，并给出本部门检查的事项（--item）。",
    ),
    (
        "record-result",
        "created_at",
        "录入时间，代替当前时钟，须写明时区：`2026-12-02 09:00 北京时间`、`…+08:00` 或 `…Z`（按 UTC 保存）",
    ),
    // record-results
    (
        "record-results",
        "",
        "从 xlsx 或 CSV 表格一次录入多条结果（每个抽中对象一行）：要么全部写入，要么一条不写。",
    ),
    (
        "record-results",
        "witness_urls",
        "记录追加后，立即请此见证服务副署台账新的最新记录（可多次给出）；副署写入 LEDGER.cosignatures.jsonl",
    ),
    (
        "record-results",
        "ledger",
        "签发单位的结果台账（JSON Lines）；不存在时新建",
    ),
    ("record-results", "chain", "签发单位的凭证链，含各次抽取"),
    (
        "record-results",
        "from",
        "结果表：.xlsx（第一个工作表）或 .csv，每个抽中对象一行（联合抽查中每个部门一行）；表头见 docs/columns.md（“Results”）",
    ),
    (
        "record-results",
        "draw",
        "没有“任务编号”或“抽取记录”单元格的行所属的抽取（记录编号或其前缀）；不给时，这种行的抽取为抽中其对象的唯一一次抽取",
    ),
    (
        "record-results",
        "created_at",
        "每条记录的录入时间，代替当前时钟，须写明时区：`2026-12-02 09:00 北京时间`、`…+08:00` 或 `…Z`（按 UTC 保存）",
    ),
    (
        "record-results",
        "encoding",
        "CSV 结果表的编码：auto 为 UTF-8（可带 BOM），否则按 GB18030",
    ),
    // correct
    (
        "correct",
        "",
        "更正一条结果，以单位负责人的审批作为第二个签名。",
    ),
    (
        "correct",
        "witness_urls",
        "记录追加后，立即请此见证服务副署台账新的最新记录（可多次给出）；副署写入 LEDGER.cosignatures.jsonl",
    ),
    (
        "correct",
        "approver_key",
        "审批人（单位负责人）的私钥文件，两把密钥都在本机时使用。更好的做法：在本机用 --approver-pub 加 --request-out，在单位负责人自己的电脑上运行 `double-random approve`，再在本机用 --approval。",
    ),
    (
        "correct",
        "approver_pub",
        "审批人（单位负责人）的公钥文件：与 --request-out 同用时，为更正申请所指明的审批人；与 --approval 同用时，为批准上必须带有其签名的公钥",
    ),
    (
        "correct",
        "request_out",
        "把仅由签发单位签名的更正写入此文件，交单位负责人审批（`double-random approve`）；台账不追加任何记录",
    ),
    (
        "correct",
        "approval",
        "追加经单位负责人审批的更正（`double-random approve --out`）：核对两个签名，且它必须仍能接在台账的最新记录之后",
    ),
    (
        "correct",
        "result",
        "要更正的结果：该结果或其任一更正的记录编号（或前缀）",
    ),
    ("correct", "reason", "更正结果的理由（记录并签名）"),
    (
        "correct",
        "clear_follow_ups",
        "删除全部后续处置（再加上 --follow-up 给出的）",
    ),
    (
        "correct",
        "created_at",
        "更正时间，代替当前时钟，须写明时区：`2026-12-02 09:00 北京时间`、`…+08:00` 或 `…Z`（按 UTC 保存）",
    ),
    // approve
    (
        "approve",
        "",
        "单位负责人在自己的电脑上核对更正申请（`correct --request-out`）并签名批准。",
    ),
    (
        "approve",
        "request",
        "本单位写出的更正申请（`correct --request-out`）",
    ),
    (
        "approve",
        "public_key",
        "本单位（签发单位）的公钥文件：更正申请须带有其签名",
    ),
    (
        "approve",
        "key",
        "您（单位负责人）的私钥文件；更正申请须指明此密钥为审批人",
    ),
    (
        "approve",
        "out",
        "已批准记录的写入位置，供本单位追加（`correct --approval`）。不给时只显示更正申请。",
    ),
    // progress
    (
        "progress",
        "",
        "记录一条结果的后续处置进展（处罚决定、移送、整改完毕）；不是更正。",
    ),
    (
        "progress",
        "witness_urls",
        "记录追加后，立即请此见证服务副署台账新的最新记录（可多次给出）；副署写入 LEDGER.cosignatures.jsonl",
    ),
    (
        "progress",
        "key",
        "签发单位的私钥文件（进展只由签发单位签名）",
    ),
    (
        "progress",
        "result",
        "所跟进的结果：该结果或其任一更正的记录编号（或前缀）",
    ),
    (
        "progress",
        "follow_up",
        "后续处置的当前状况 `KIND[:outcome]`（可重复）：公示时替换该结果同一种类的处置，或新增一项",
    ),
    (
        "progress",
        "created_at",
        "时间，代替当前时钟，须写明时区：`2026-12-02 09:00 北京时间`、`…+08:00` 或 `…Z`（按 UTC 保存）",
    ),
    // publish
    (
        "publish",
        "",
        "写出公示内容（CSV、JSON、xlsx），并追加其签名的公示检查点。",
    ),
    (
        "publish",
        "witness_urls",
        "记录追加后，立即请此见证服务副署台账新的最新记录（可多次给出）；副署写入 LEDGER.cosignatures.jsonl",
    ),
    (
        "publish",
        "ledger",
        "签发单位的结果台账；公示检查点追加到其中",
    ),
    ("publish", "key", "签发单位的私钥文件（签署公示检查点）"),
    ("publish", "entities", "检查对象名录，用于对象名称"),
    (
        "publish",
        "out_dir",
        "public-results.csv、public-results.json 和 public-results.xlsx 的写入目录",
    ),
    (
        "publish",
        "force",
        "覆盖 --out-dir 中以前公示的文件（从不跟随符号链接）",
    ),
    (
        "publish",
        "show_credit_class",
        "公示各企业的信用风险分类。默认不公示：分类结果在部门内部使用，一般不公开；各分类表（名录库户数、比例、抽取户数）无论如何都公示。",
    ),
    ("publish", "omit_inspectors", "公示文件中完全不列检查人员"),
    (
        "publish",
        "inspectors",
        "执法检查人员名录，用于检查人员姓名（否则只列执法证号）",
    ),
    (
        "publish",
        "created_at",
        "公示时间，代替当前时钟，须写明时区：`2026-12-02 09:00 北京时间`、`…+08:00` 或 `…Z`（按 UTC 保存）",
    ),
    // round
    (
        "round",
        "",
        "某一时间应承诺的 drand quicknet 轮次（`--at \"2026-12-02 10:00 北京时间\"`），或某一轮次的时间（`--round N`）",
    ),
    (
        "round",
        "at",
        "随机数应产生的时间（如 `2026-12-02 10:00 北京时间`）：显示在该时间或其后公布的第一个 drand quicknet 轮次",
    ),
    ("round", "round", "quicknet 轮次号：显示其公布时间"),
    // summary
    ("summary", "", "各任务的汇总表：发起和配合"),
    (
        "summary",
        "entities",
        "检查对象名录，用于写出尚无结果的对象名称",
    ),
    (
        "summary",
        "department",
        "只列此部门的行（发起和配合）；默认为各任务的全部部门",
    ),
    (
        "summary",
        "xlsx",
        "另把汇总表写成 xlsx 工作簿（“发起”“配合”两张表）",
    ),
    // approvers
    (
        "approvers",
        "",
        "列出或固定台账的更正必须带有的审批人（单位负责人）公钥（LEDGER.approvers）",
    ),
    (
        "approvers",
        "ledger",
        "要列出或固定其审批人公钥的结果台账（LEDGER.approvers）",
    ),
    (
        "approvers",
        "add",
        "要固定的审批人（单位负责人）公钥文件（可多次给出）",
    ),
    // repair
    (
        "repair",
        "",
        "先显示要截去的内容，再从凭证链或结果台账截去残缺的最后一行（追加中途崩溃所致）。",
    ),
    ("repair", "chain", "要修复的凭证链"),
    ("repair", "ledger", "要修复的结果台账"),
    ("repair", "cut", "截去残缺行（不加时只显示将截去的内容）"),
    // notice
    (
        "notice",
        "",
        "生成可打印的 HTML 公示：已核验抽取的随机抽取结果公示（抽中的对象和检查组），或加 --commitment 时生成抽取前公布的承诺公告。",
    ),
    (
        "notice",
        "draw",
        "抽取（记录编号或其前缀）；默认为链上最近一次抽取",
    ),
    (
        "notice",
        "commitment",
        "生成此承诺的承诺公告，而非抽取结果公示（记录编号或其前缀，或任务编号，表示该任务最近的承诺）：在承诺时、随机数产生之前公布。不需要名录（`--items` 用于事项名称）。",
    ),
    (
        "notice",
        "entities",
        "该次抽取承诺时所用的检查对象名录（用于名称）",
    ),
    (
        "notice",
        "inspectors",
        "该次抽取承诺时所用的执法检查人员名录（用于姓名）",
    ),
    (
        "notice",
        "items",
        "该次抽取承诺时所用的抽查事项清单（用于事项名称；可选）",
    ),
    ("notice", "out", "把 HTML 页面写入此文件，而非标准输出"),
    (
        "notice",
        "posted_on",
        "印在公示落款中的公示日期，YYYY-MM-DD；默认为北京时间当天",
    ),
    (
        "notice",
        "contact",
        "公众对抽取投诉或咨询的渠道（投诉监督），如 \"县水务局政策法规股 0356-1234567\"；给出时印在公示上",
    ),
    (
        "notice",
        "show_credit_class",
        "显示每个抽中企业的信用风险分类及其类内序位。默认不显示：分类结果在部门内部使用，一般不公开。",
    ),
    // witness
    (
        "witness",
        "",
        "见证方用自己的时钟副署链的最新记录：serve、cosign、request",
    ),
    (
        "witness serve",
        "",
        "通过 HTTP 运行见证服务；在标准输出显示所绑定的地址。",
    ),
    (
        "witness serve",
        "key",
        "见证方的私钥文件（由 `keygen --issuer \"WITNESS NAME\"` 生成）",
    ),
    (
        "witness serve",
        "listen",
        "监听地址，如 127.0.0.1:8080（端口 0：任一空闲端口）",
    ),
    ("witness serve", "max_body", "请求体的最大字节数"),
    (
        "witness cosign",
        "",
        "在本机离线副署链的最新记录（不联网的见证方）；追加到 CHAIN.cosignatures.jsonl。",
    ),
    ("witness cosign", "key", "见证方的私钥文件"),
    ("witness cosign", "chain", "凭证链（或结果台账）文件"),
    (
        "witness cosign",
        "key_change",
        "密钥变更（一个签名信封，JSON）：把签发单位名称从见证方已知的密钥转到 --public-key 的公钥",
    ),
    (
        "witness request",
        "",
        "请运行中的见证方副署链的最新记录；追加到 CHAIN.cosignatures.jsonl。",
    ),
    ("witness request", "chain", "凭证链（或结果台账）文件"),
    (
        "witness request",
        "url",
        "见证方的基础 URL，如 http://127.0.0.1:8080（可多次给出）",
    ),
    (
        "witness request",
        "key_change",
        "密钥变更（一个签名信封，JSON），供已知签发单位旧密钥的见证方使用",
    ),
    ("witness request", "timeout", "等待每个应答的秒数"),
];

/// The Chinese one-line description of the command at `path`.
pub fn about(path: &str) -> Option<&'static str> {
    HELP.iter()
        .find(|(p, id, _)| *p == path && id.is_empty())
        .map(|(_, _, text)| *text)
}

/// The Chinese help of flag or argument `id` of the command at `path`.
pub fn arg(path: &str, id: &str) -> Option<&'static str> {
    let find = |p: &str| {
        HELP.iter()
            .find(|(hp, hid, _)| *hp == p && *hid == id)
            .map(|(_, _, text)| *text)
    };
    find(path).or_else(|| find("*"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Cli;
    use clap::CommandFactory;

    /// Every command and flag of the command line as (path, id, English help).
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<(String, String, String)>) {
        let about = cmd.get_about().map(|s| s.to_string()).unwrap_or_default();
        out.push((path.to_owned(), String::new(), about));
        for a in cmd.get_arguments() {
            let id = a.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            let help = a.get_help().map(|s| s.to_string()).unwrap_or_default();
            out.push((path.to_owned(), id.to_owned(), help));
        }
        for s in cmd.get_subcommands() {
            let p = if path.is_empty() {
                s.get_name().to_owned()
            } else {
                format!("{path} {}", s.get_name())
            };
            walk(s, &p, out);
        }
    }

    fn all() -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        walk(&Cli::command(), "", &mut out);
        out
    }

    #[test]
    fn every_command_and_flag_has_chinese_help() {
        let missing: Vec<String> = all()
            .into_iter()
            .filter(|(path, id, _)| {
                if id.is_empty() {
                    about(path).is_none()
                } else {
                    arg(path, id).is_none()
                }
            })
            .map(|(path, id, en)| format!("(\"{path}\", \"{id}\", \"\"), // {en}"))
            .collect();
        assert!(
            missing.is_empty(),
            "no Chinese help for:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn no_row_names_a_command_or_flag_that_is_gone() {
        let all = all();
        for (path, id, _) in HELP {
            let known = if *path == "*" {
                all.iter().any(|(_, i, _)| i == id)
            } else {
                all.iter().any(|(p, i, _)| p == path && i == id)
            };
            assert!(known, "stale row (\"{path}\", \"{id}\")");
        }
        let mut seen = std::collections::HashSet::new();
        for (path, id, _) in HELP {
            assert!(seen.insert((path, id)), "row (\"{path}\", \"{id}\") twice");
        }
    }

    #[test]
    fn every_row_is_chinese_text() {
        for (path, id, text) in HELP {
            assert!(!text.trim().is_empty(), "({path}, {id}) is empty");
            assert!(
                text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "({path}, {id}) has no Chinese: {text}"
            );
        }
    }
}
