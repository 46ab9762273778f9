//! Chinese for the English prose some errors carry as text.
//!
//! A few variants hold a message written where the error arose
//! (`ReceiptError::Flag { message }`, `ReceiptError::Selection`, a task
//! file's `Places`, a calendar field's `message`, the passphrase errors, the
//! messages of this crate's TOML readers...). [`PROSE`] lists each such
//! message of this crate by its English form, `{}` standing for a value,
//! with the function giving its Chinese from the values. [`prose`] renders
//! a text by the first form it matches; a text no form matches (the English
//! of a library error or of another crate, carried as text) is returned as
//! it is.
//!
//! The forms are copied from the `format!` strings at the places of the
//! errors; the tests render each one and pin the messages the commands
//! give, so a changed English message is noticed.

/// The Chinese of a message from the values its form's `{}` stand for.
pub type Render = fn(&[&str]) -> String;

/// The values of `text` at the `{}` of `form`, when `text` has that form.
/// Each literal between two `{}` is matched at its first occurrence.
pub fn captures<'t>(form: &str, text: &'t str) -> Option<Vec<&'t str>> {
    let literals: Vec<&str> = form.split("{}").collect();
    let (first, rest) = literals.split_first()?;
    let mut s = text.strip_prefix(first)?;
    let Some((last, middle)) = rest.split_last() else {
        return s.is_empty().then(Vec::new);
    };
    s = s.strip_suffix(last)?;
    let mut values = Vec::with_capacity(rest.len());
    for lit in middle {
        let at = s.find(lit)?;
        values.push(s.get(..at)?);
        s = s.get(at + lit.len()..)?;
    }
    values.push(s);
    Some(values)
}

/// The Chinese of `text` by the first form of `table` it has.
pub fn by_form(table: &[(&str, Render)], text: &str) -> Option<String> {
    table
        .iter()
        .find_map(|(form, render)| captures(form, text).map(|v| render(&v)))
}

/// The Chinese of a message of this crate ([`PROSE`]); any other text as it is.
pub fn prose(text: &str) -> String {
    by_form(PROSE, text).unwrap_or_else(|| text.to_owned())
}

/// A passphrase error given as `PATH: MESSAGE` (the text of
/// `ReceiptError::Passphrase`), with the message in Chinese.
pub fn with_path(text: &str) -> String {
    for (at, _) in text.match_indices(": ") {
        let (path, message) = (&text[..at], &text[at + 2..]);
        if let Some(zh) = by_form(PROSE, message) {
            return format!("{path}：{zh}");
        }
    }
    prose(text)
}

/// A TOML value type (`toml::Value::type_str`) in Chinese.
fn toml_type_zh(t: &str) -> &str {
    match t {
        "string" => "字符串",
        "integer" => "整数",
        "float" => "浮点数",
        "boolean" => "布尔值",
        "datetime" => "日期时间",
        "array" => "数组",
        "table" => "表",
        other => other,
    }
}

/// `abc123def456 for T1, 0987... for T2` (open commitments) in Chinese.
fn commitments_zh(list: &str) -> String {
    list.split(", ")
        .map(|c| match c.split_once(" for ") {
            Some((id, task)) => format!("{id}（任务 {task}）"),
            None => c.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// Every message this crate writes as text, by its English form. More
/// specific forms come before the forms they would also match.
pub const PROSE: &[(&str, Render)] = &[
    // ---- Passphrase-protected key files (passphrase.rs) ----
    ("DOUBLE_RANDOM_PASSPHRASE is set but empty", |_| {
        "环境变量 DOUBLE_RANDOM_PASSPHRASE 已设置但为空".to_owned()
    }),
    (
        "the key file is protected by a passphrase: set DOUBLE_RANDOM_PASSPHRASE or run in a terminal to be asked for it",
        |_| {
            "该密钥文件受口令保护：请设置环境变量 DOUBLE_RANDOM_PASSPHRASE，或在终端中运行以便输入口令".to_owned()
        },
    ),
    ("reading it: {}", |v| format!("读取口令时出错：{}", v[0])),
    ("an empty passphrase protects nothing", |_| {
        "口令为空，起不到保护作用".to_owned()
    }),
    ("the two passphrases differ", |_| {
        "两次输入的口令不一致".to_owned()
    }),
    ("not a readable age file: {}", |v| {
        format!("不是可读取的 age 加密文件：{}", v[0])
    }),
    ("encrypted to age recipients, not to a passphrase", |_| {
        "该文件是用 age 接收方的公钥加密的，不是用口令加密的".to_owned()
    }),
    ("wrong passphrase", |_| "口令错误".to_owned()),
    ("encrypting: {}", |v| format!("加密时出错：{}", v[0])),
    // ---- Flags of commit, draw, verify, prove, replace, supplement (receipts.rs) ----
    ("an odd number of hex digits", |_| {
        "十六进制数字的位数为奇数".to_owned()
    }),
    ("{} is not hex", |v| format!("{} 不是十六进制数", v[0])),
    (
        "this build has no witness client (feature `witness`)",
        |_| "此版本的程序没有见证方客户端（编译时未启用 `witness` 功能）".to_owned(),
    ),
    ("write drand:quicknet:ROUND", |_| {
        "请写成 drand:quicknet:ROUND".to_owned()
    }),
    ("a drand chain hash is 32 bytes of hex", |_| {
        "drand 链哈希应为 32 字节的十六进制数".to_owned()
    }),
    ("{} is not a drand round number", |v| {
        format!("{} 不是 drand 轮次号", v[0])
    }),
    (
        "{}; write ceremony:TIME:what will be done, e.g. ceremony:2026-12-02 09:00 北京时间:six throws of a ten-sided die",
        |v| {
            format!(
                "{}；请写成 ceremony:时间:将要进行的操作，例如 ceremony:2026-12-02 09:00 北京时间:掷十面骰六次",
                prose(v[0])
            )
        },
    ),
    (
        "a ceremony needs a procedure after the time and at least one --witness",
        |_| "现场抽取仪式须在时间之后写明操作程序，并至少给出一个 --witness".to_owned(),
    ),
    (
        "{}: write drand:quicknet:ROUND, ceremony:TIME:PROCEDURE or local",
        |v| {
            format!(
                "{}：请写成 drand:quicknet:ROUND、ceremony:TIME:PROCEDURE 或 local",
                v[0]
            )
        },
    ),
    (
        "the randomness exists at {} ({}), not after this commitment ({}); choose a later round or time",
        |v| {
            format!(
                "随机数在 {}（{}）即已产生，并不晚于本次承诺（{}）；请选择更晚的轮次或时间",
                v[0], v[1], v[2]
            )
        },
    ),
    (
        "give the public keys of the witnesses who cosigned the commitment before its randomness ({}), or draw with --unwitnessed (the record will say so)",
        |v| {
            format!(
                "请给出在随机数产生（{}）之前副署该承诺的见证方的公钥，或加 --unwitnessed 进行抽取（抽取记录会注明无见证）",
                v[0]
            )
        },
    ),
    (
        "give the randomness value (hex), or the beacon signature",
        |_| "请给出随机数值（十六进制）或信标签名".to_owned(),
    ),
    (
        "a conflict-list salt is {} bytes ({} hex digits), this is {} byte(s)",
        |v| {
            format!(
                "回避名单的盐值应为 {} 字节（{} 位十六进制数字），给出的是 {} 字节",
                v[0], v[1], v[2]
            )
        },
    ),
    (
        "full replay needs --entities, --inspectors and --conflicts",
        |_| "完整重放需要 --entities、--inspectors 和 --conflicts".to_owned(),
    ),
    (
        "selects the draw checked against the registers; it needs level full",
        |_| "该参数选定与名录核对的抽取，只能用于 full 级别（--level full）".to_owned(),
    ),
    (
        "entity {} is in the register but not in the pool of task {}: its scope or exclusions leave it out, so it could not be drawn",
        |v| {
            format!(
                "检查对象 {} 在检查对象名录中，但不在抽查任务 {} 的抽取范围内：任务的范围或排除规则把它排除在外，因此不可能被抽中",
                v[0], v[1]
            )
        },
    ),
    (
        "{}: use recusal (回避), illness (病假), transfer (调离) or other",
        |v| {
            format!(
                "{}：请用 recusal（回避）、illness（病假）、transfer（调离）或 other（其他）",
                v[0]
            )
        },
    ),
    (
        "{}: use deregistered (注销), moved-out (迁出), unreachable (无法联系) or other",
        |v| {
            format!(
                "{}：请用 deregistered（注销）、moved-out（迁出）、unreachable（无法联系）或 other（其他）",
                v[0]
            )
        },
    ),
    // ---- The chain, commitments and draws (receipts.rs, ledger.rs) ----
    ("{}: the chain was opened read-only", |v| {
        format!("{}：凭证链是以只读方式打开的", v[0])
    }),
    ("task {} has no open commitment on the chain", |v| {
        format!("凭证链上没有抽查任务 {} 尚未抽取的承诺", v[0])
    }),
    ("no commitment", |_| "没有承诺记录".to_owned()),
    (
        "no commitment on the chain has an id starting with {}",
        |v| format!("凭证链上没有记录编号以 {} 开头的承诺", v[0]),
    ),
    (
        "{} commitments have ids starting with {}; give more digits",
        |v| format!("有 {} 条承诺的记录编号以 {} 开头；请多给几位", v[0], v[1]),
    ),
    ("the chain has no open commitment; commit first", |_| {
        "凭证链上没有尚未抽取的承诺；请先作承诺（commit）".to_owned()
    }),
    (
        "the chain has {} open commitments ({}); name one with --commitment",
        |v| {
            format!(
                "凭证链上有 {} 条尚未抽取的承诺（{}）；请用 --commitment 指定其中一条",
                v[0],
                commitments_zh(v[1])
            )
        },
    ),
    (
        "{} holds no salt for commitment {}; give --conflict-salt (the office keeps it with the conflict list)",
        |v| {
            format!(
                "{} 中没有承诺 {} 的盐值；请给出 --conflict-salt（本单位与回避名单一起保存）",
                v[0], v[1]
            )
        },
    ),
    ("not a commitment", |_| "不是承诺记录".to_owned()),
    ("not a draw", |_| "不是抽取记录".to_owned()),
    ("not a replacement", |_| "不是替换记录".to_owned()),
    ("not a supplement", |_| "不是补充抽取记录".to_owned()),
    (
        "the commitment (sequence {}) is not witnessed before its randomness ({}): {}; a draw now would rest on the office's word alone. If the witnesses did cosign in time, their cosignatures are missing from {}; otherwise draw with --unwitnessed (the record will say so)",
        |v| {
            format!(
                "该承诺（序号 {}）在随机数产生（{}）之前没有得到见证：{}；现在抽取，就只能凭本单位的一面之词。如果见证方确实按时副署了，那么 {} 中缺少他们的副署；否则请加 --unwitnessed 进行抽取（抽取记录会注明无见证）",
                v[0], v[1], v[2], v[3]
            )
        },
    ),
    (
        "no commitment on the chain draws from this entity register (no pool root matches)",
        |_| "凭证链上没有从这份检查对象名录抽取的承诺（没有与之相符的抽取范围根哈希）".to_owned(),
    ),
    ("no draw on the chain has an id starting with {}", |v| {
        format!("凭证链上没有记录编号以 {} 开头的抽取", v[0])
    }),
    (
        "no draw on the receipt chain has an id starting with {}",
        |v| format!("凭证链上没有记录编号以 {} 开头的抽取", v[0]),
    ),
    (
        "{} draws have ids starting with {}; give more digits",
        |v| format!("有 {} 次抽取的记录编号以 {} 开头；请多给几位", v[0], v[1]),
    ),
    ("{} is not a draw of the chain", |v| {
        format!("{} 不是本凭证链上的抽取", v[0])
    }),
    // ---- `round` (when.rs) ----
    ("{}: no quicknet round can be numbered then", |v| {
        format!("{}：这一时间没有可编号的 quicknet 轮次", v[0])
    }),
    ("give --at TIME or --round N", |_| {
        "请给出 --at TIME 或 --round N".to_owned()
    }),
    (
        "{}: quicknet rounds are numbered from 1 and end before year 10000",
        |v| {
            format!(
                "{}：quicknet 轮次从 1 开始编号，并在公元 10000 年之前结束",
                v[0]
            )
        },
    ),
    // ---- Times as written (when.rs, TimeTextError inside a message) ----
    (
        "{} states no time zone; add `+08:00` or `北京时间` for Beijing time, or `Z` for UTC (the tool does not guess)",
        |v| super::receipts::no_zone_zh(v[0]),
    ),
    (
        "{}: {} is not a time zone this tool reads; write `北京时间`, `+08:00` (any `+HH:MM`/`-HH:MM`), `Z` or `(UTC)`",
        |v| super::receipts::unknown_zone_zh(v[0], v[1]),
    ),
    ("{} states the zone twice; state it once", |v| {
        super::receipts::two_zones_zh(v[0])
    }),
    ("{}: {} is not a real date and time of day", |v| {
        super::receipts::out_of_range_zh(v[0], v[1])
    }),
    (
        "{} is not a date and time; write e.g. `2026-12-02 09:00 北京时间`, `北京时间 2026-12-02 09:00`, `2026-12-02T09:00:00+08:00` or `2026-12-02T01:00:00Z`",
        |v| super::receipts::malformed_zh(v[0]),
    ),
    // ---- Results ledger flags (ledger.rs, import.rs) ----
    ("{} has no data row", |v| format!("{} 中没有数据行", v[0])),
    ("{} is not an inspection method", |v| {
        format!("{} 不是检查方式", v[0])
    }),
    (
        "{} joins four categories that the results ledger now keeps apart: use 注销 (deregistration), 被吊销 (licence-revoked), 被撤销 (registration-revoked) or 迁出 (moved-out)",
        |v| {
            format!(
                "{} 把结果台账现在分开记录的四个类别合在了一起：请用 注销（deregistration）、被吊销（licence-revoked）、被撤销（registration-revoked）或 迁出（moved-out）",
                v[0]
            )
        },
    ),
    (
        "{} is not a result category; use one of {} (or the platform's Chinese wording)",
        |v| {
            format!(
                "{} 不是检查结果类别；请用 {} 之一（或平台上的中文表述）",
                v[0], v[1]
            )
        },
    ),
    (
        "{}: write KIND[:outcome], e.g. penalty-decision:阳水罚〔2024〕3号",
        |v| {
            format!(
                "{}：请写成 KIND[:outcome]（处置类别[:处置结果]），例如 penalty-decision:阳水罚〔2024〕3号",
                v[0]
            )
        },
    ),
    ("give --inspection-start and --inspection-end", |_| {
        "请给出 --inspection-start 和 --inspection-end".to_owned()
    }),
    (
        "task {} is a joint task: name the check items {} checked (the task's items are {})",
        |v| {
            format!(
                "抽查任务 {} 是联合抽查任务：请写明 {} 检查的抽查事项（该任务的事项为 {}）",
                v[0],
                v[1],
                super::list_zh(v[2])
            )
        },
    ),
    (
        "give the unit head's --approver-key (both keys on this computer), or --approver-pub with --request-out, so the unit head approves on their own computer (`double-random approve`) and you append with --approval",
        |_| {
            "请给出单位负责人的 --approver-key（两把私钥都在本机上），或给出 --approver-pub 并加 --request-out，由单位负责人在自己的电脑上审批（`double-random approve`），再由您用 --approval 追加".to_owned()
        },
    ),
    ("--result and --reason are required", |_| {
        "必须给出 --result 和 --reason".to_owned()
    }),
    (
        "no result on the ledger has a record id starting with {}",
        |v| format!("结果台账中没有记录编号以 {} 开头的检查结果", v[0]),
    ),
    ("{} results match {}; give more digits", |v| {
        format!("有 {} 条检查结果与 {} 相符；请多给几位", v[0], v[1])
    }),
    // ---- Corrections and their approval (approve.rs) ----
    ("{}: more than one line", |v| format!("{}：不止一行", v[0])),
    ("holds a {} record, not a correction", |v| {
        format!("其中是一条 {} 记录，不是更正记录", v[0])
    }),
    ("not signed by {} (key {}): {}", |v| {
        format!("不是由 {}（密钥 {}）签名的：{}", v[0], v[1], v[2])
    }),
    (
        "the request names {} (key {}) as approver, not {} (key {})",
        |v| {
            format!(
                "请求中指定的审批人是 {}（密钥 {}），不是 {}（密钥 {}）",
                v[0], v[1], v[2], v[3]
            )
        },
    ),
    ("the approver's key is the issuer's", |_| {
        "审批人的密钥就是签发单位的密钥".to_owned()
    }),
    ("required with --approval", |_| {
        "使用 --approval 时必须给出".to_owned()
    }),
    // ---- Task files: places (task_file.rs) ----
    (
        "team_size is {} but {} places are listed; leave team_size out or make them agree",
        |v| {
            format!(
                "team_size 为 {}，但列出了 {} 个岗位（places）；请删去 team_size，或使两者一致",
                v[0], v[1]
            )
        },
    ),
    (
        "give team_size (officers per team) or list the team's places",
        |_| "请给出 team_size（每个检查组的人数），或列出检查组的岗位（places）".to_owned(),
    ),
    (
        "team_size {} cannot hold one officer from each of the task's {} departments; raise team_size to {} or list the places",
        |v| {
            format!(
                "team_size 为 {}，容纳不下本任务 {} 个部门各一名检查人员；请把 team_size 提高到 {}，或列出岗位（places）",
                v[0], v[1], v[2]
            )
        },
    ),
    // ---- Values of TOML files (task_file.rs, year.rs, calendar_file.rs) ----
    // A year plan's batch names the message of its date (year.rs).
    ("batch {}: {}", |v| {
        format!("批次 {}：{}", v[0], prose(v[1]))
    }),
    (
        "ratio {} is a bare number; write percent text such as \"12.5%\" (in quotes: a bare number is refused because a float cannot hold a ratio exactly)",
        |v| {
            format!(
                "比例 {} 写成了数字；请写成百分比文本，例如 \"12.5%\"（要加引号：浮点数无法精确表示比例，所以不接受数字）",
                v[0]
            )
        },
    ),
    (
        "ratio {} is a bare number; write \"{}\" (in quotes: a bare number is refused because a float cannot hold a ratio exactly)",
        |v| {
            format!(
                "比例 {} 写成了数字；请写成 \"{}\"（要加引号：浮点数无法精确表示比例，所以不接受数字）",
                v[0], v[1]
            )
        },
    ),
    ("{} {} is not a date; write 2024-06-03", |v| {
        format!("{} {} 不是日期；请写成 2024-06-03 这样的形式", v[0], v[1])
    }),
    (
        "{} {} is outside the years 1900 to 9999 that a record can hold",
        |v| {
            format!(
                "{} {} 不在记录可写的年份范围内（1900 至 9999 年）",
                v[0], v[1]
            )
        },
    ),
    ("{} {} is not a real date", |v| {
        format!("{} {} 不是真实存在的日期", v[0], v[1])
    }),
    (
        "{} {} has a time or offset; write a date only, such as 2024-06-03",
        |v| {
            format!(
                "{} {} 带有时刻或时区偏移；请只写日期，例如 2024-06-03",
                v[0], v[1]
            )
        },
    ),
    ("{} must be a date such as 2024-06-03, not a {}", |v| {
        format!(
            "{} 必须是日期（例如 2024-06-03），不能是{}",
            v[0],
            toml_type_zh(v[1])
        )
    }),
    // ---- Calendar files (calendar_file.rs) ----
    ("not a year between 1900 and 9999", |_| {
        "不是 1900 至 9999 之间的年份".to_owned()
    }),
    ("must not be empty: copy it from the notice", |_| {
        "不能为空：请从通知原文照抄".to_owned()
    }),
    ("name the festival (元旦, 春节, ...)", |_| {
        "请写明节日名称（元旦、春节等）".to_owned()
    }),
    ("write the date as YYYY-MM-DD", |_| {
        "请把日期写成 YYYY-MM-DD 的形式".to_owned()
    }),
    (
        "give either `date` (one day) or both `from` and `to` (an inclusive range)",
        |_| {
            "请给出 `date`（单独一天），或同时给出 `from` 和 `to`（含首尾两天的日期范围）"
                .to_owned()
        },
    ),
    (
        "a make-up working day is one day: give `date` (and no `from`/`to`)",
        |_| "调休上班日只有一天：请给出 `date`（不要给 `from`/`to`）".to_owned(),
    ),
    // ---- io errors the commands make themselves ----
    ("refusing to overwrite", |_| "不覆盖已有文件".to_owned()),
    ("cannot format the page", |_| "无法生成页面".to_owned()),
    ("cannot format the plan", |_| "无法生成计划".to_owned()),
    // ---- The workbook reader (input/workbook.rs) ----
    ("the workbook reader failed on malformed data ({})", |v| {
        format!("工作簿读取程序遇到格式错误的数据而失败（{}）", v[0])
    }),
    (
        "more than {} times its compressed size of {} bytes: a zip bomb",
        |v| {
            format!(
                "超过压缩后大小（{} 字节）的 {} 倍：这是 zip 炸弹",
                v[1], v[0]
            )
        },
    ),
    (
        "the parts of a workbook inflate to at most {} together",
        |v| {
            let limit = v[0]
                .strip_suffix(" bytes")
                .map_or_else(|| v[0].to_owned(), |n| format!("{n} 字节"));
            format!("工作簿各部分解压后合计最多 {limit}")
        },
    ),
];
