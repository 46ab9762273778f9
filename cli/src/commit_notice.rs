//! `notice --commitment`: the commitment notice (承诺公告), a printable,
//! self-contained HTML page published at commit time, before the
//! randomness exists.
//!
//! It says what the office has fixed and cannot change any more: the task
//! and its scope in words, per credit class the pool, the ratio and the
//! number to draw (never which firm is in which class), where the
//! randomness will come from and when (Beijing time), the commitment
//! record's id and the issuer's key fingerprint, and, in plain words, how
//! anyone can check the draw later. The technical values (register roots,
//! the beacon's chain hash, the verify command) are in an appendix. Same
//! style as the draw notice ([`crate::notice`]): no script, no external
//! asset, A4.

use std::fmt::{self, Write as _};
use std::path::Path;

use double_random::{
    beacon::{QUICKNET_CHAIN_HASH, drand_round_time},
    commitment::commit_items,
    records::{CommitmentPayload, IssuerPublicKey, RandomnessPlan, Record, RecordId},
    registers::{CheckItemList, CreditClass},
};
use time::Date;

use crate::common::{CliError, Status};
use crate::notice::{
    Esc, NoticeArgs, NoticeError, STYLE, chinese_date, contact_section, percent,
    randomness_in_words, signature_block, task_rows,
};
use crate::registers;

/// What the caller checked before rendering, and the posting date.
#[derive(Debug, Clone, Copy)]
pub struct Checked {
    /// Records on the chain (all verified).
    pub records: usize,
    /// Draws replayed while verifying.
    pub draws_replayed: usize,
    /// The posting date in the 落款.
    pub posted_on: Date,
}

fn hex(h: &(impl AsRef<[u8]> + ?Sized)) -> String {
    h.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn refuse(why: &str) -> Result<Status, CliError> {
    eprintln!("double-random notice: refusing to render a commitment notice: {why}");
    Ok(Status::Failed)
}

/// Renders the commitment notice of the commitment whose id starts with
/// `prefix`, from a chain that has verified (`records`, opened with `key`).
/// A cancelled commitment is refused; one already drawn is rendered with a
/// line saying so.
pub(crate) fn render(
    a: &NoticeArgs,
    key: &IssuerPublicKey,
    records: &[(RecordId, Record)],
    checked: &Checked,
    prefix: &str,
) -> Result<Status, CliError> {
    let want = prefix.trim().to_ascii_lowercase();
    let commitments = records.iter().filter_map(|(id, r)| match r {
        Record::Commitment(c) => Some((id, c)),
        _ => None,
    });
    let mut found: Vec<(&RecordId, &CommitmentPayload)> = if want.is_empty() {
        Vec::new()
    } else {
        commitments
            .clone()
            .filter(|(id, _)| hex(id).starts_with(&want))
            .collect()
    };
    // A task id names the task's latest commitment.
    if found.is_empty() {
        let mut commitments = commitments;
        found.extend(commitments.rfind(|(_, c)| c.task.id == prefix.trim()));
    }
    let (id, commitment) = match found.as_slice() {
        [] => {
            return refuse(&format!(
                "no commitment on the chain has an id starting with {prefix} or is of a task with that id"
            ));
        }
        [one] => *one,
        many => {
            return refuse(&format!(
                "{} commitments have ids starting with {prefix}; give more digits",
                many.len()
            ));
        }
    };
    if records
        .iter()
        .any(|(_, r)| matches!(r, Record::Cancellation(c) if c.commitment == *id))
    {
        return refuse("the commitment was cancelled; it will never be drawn");
    }
    let drawn_at = records.iter().find_map(|(_, r)| match r {
        Record::Draw(d) if d.commitment == *id => Some(d.chain.created_at),
        _ => None,
    });
    let items = match &a.items {
        Some(p) => {
            let mut notes = crate::registers::Notes::default();
            let v = registers::read_items(p, a.read.encoding.into(), &mut notes)?;
            if !v.is_clean() {
                return Err(NoticeError::InvalidRegister {
                    path: p.display().to_string(),
                    count: v.errors().count(),
                }
                .into());
            }
            if commitment.registers.items.map(|r| r.root)
                != commit_items(&v.register).map(|c| c.root).ok()
            {
                return refuse(&format!(
                    "{} is not the check-item list the task was committed with",
                    p.display()
                ));
            }
            Some(v.register)
        }
        None => None,
    };
    let Ok(ratios) = commitment.task.ratios() else {
        return refuse("the commitment's ratios are not valid");
    };
    let Ok(to_draw) = double_random::sampling::sample_sizes_with(
        commitment.pools(),
        ratios.0,
        commitment.task.top_up,
    ) else {
        return refuse("the commitment's ratios are not valid");
    };
    let page = Page {
        key,
        id,
        commitment,
        items: items.as_ref(),
        to_draw,
        drawn_at,
        checked,
        contact: a
            .contact
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty()),
        chain_file: file_name(&a.chain),
        key_file: file_name(&a.public_key),
    }
    .render()
    .map_err(|_| CliError::Output(std::io::Error::other("cannot format the page")))?;
    match &a.out {
        Some(p) => std::fs::write(p, page).map_err(|cause| NoticeError::Io {
            path: p.display().to_string(),
            cause,
        })?,
        None => {
            use std::io::Write as _;
            std::io::stdout().lock().write_all(page.as_bytes())?;
        }
    }
    Ok(Status::Ok)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or_else(|| "CHAIN".into(), |n| n.to_string_lossy().into_owned())
}

struct Page<'a> {
    key: &'a IssuerPublicKey,
    id: &'a RecordId,
    commitment: &'a CommitmentPayload,
    items: Option<&'a CheckItemList>,
    to_draw: [u64; 4],
    drawn_at: Option<double_random::calendar::Timestamp>,
    checked: &'a Checked,
    contact: Option<&'a str>,
    chain_file: String,
    key_file: String,
}

impl Page<'_> {
    fn render(&self) -> Result<String, fmt::Error> {
        let task = &self.commitment.task;
        let mut h = String::with_capacity(24 * 1024);
        writeln!(h, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>")?;
        writeln!(h, "<meta charset=\"utf-8\">")?;
        writeln!(
            h,
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        )?;
        writeln!(
            h,
            "<meta name=\"generator\" content=\"double-random {}\">",
            env!("CARGO_PKG_VERSION")
        )?;
        writeln!(
            h,
            "<title>抽查任务承诺公告 · {} · {}</title>",
            Esc(&task.id),
            Esc(&task.name)
        )?;
        writeln!(
            h,
            "<style>{STYLE}</style>\n</head>\n<body>\n<main class=\"sheet\">"
        )?;
        writeln!(h, "<header>")?;
        writeln!(h, "<p class=\"issuer\">{}</p>", Esc(self.key.issuer()))?;
        writeln!(
            h,
            "<h1>“双随机、一公开”抽查任务承诺公告<br><span class=\"en\">Commitment notice of a random spot-check task</span></h1>"
        )?;
        writeln!(
            h,
            "<p class=\"subtitle\">{}（任务编号 {}）</p>\n</header>",
            Esc(&task.name),
            Esc(&task.id)
        )?;
        writeln!(
            h,
            "<p class=\"scope\" id=\"scope\">本公告在随机抽取之前发布。本机关已将下列抽查任务的检查对象名录库、\
             各类抽查比例和检查组规则签名固定（承诺），此后不能再更改；抽取所用的随机数在承诺之后才产生，\
             本机关无法预知，也无法挑选。抽取后将另行发布随机抽取结果公示，届时可按本公告第四部分核对。文中时间均为北京时间。\
             <span class=\"en\">Published before the draw: the registers, ratios and team rules are fixed by a signed commitment; the randomness does not exist yet. Times are Beijing time (UTC+8).</span></p>"
        )?;
        if let Some(t) = self.drawn_at {
            writeln!(
                h,
                "<p class=\"note\" id=\"drawn-note\">注：本任务已于 {} 完成抽取，抽取结果见随机抽取结果公示。</p>",
                t.beijing().labelled()
            )?;
        }
        self.task_section(&mut h)?;
        self.class_section(&mut h)?;
        self.randomness_section(&mut h)?;
        self.check_later_section(&mut h)?;
        if let Some(c) = self.contact {
            contact_section(&mut h, "五", c)?;
        }
        signature_block(&mut h, self.key.issuer(), self.checked.posted_on)?;
        self.appendix(&mut h)?;
        writeln!(
            h,
            "<footer>本公告由 double-random {} 根据已签名的承诺记录生成，{}；内容以承诺记录为准。\
             <span class=\"en\">Generated from the signed commitment record; the record prevails.</span></footer>",
            env!("CARGO_PKG_VERSION"),
            chinese_date(self.checked.posted_on)
        )?;
        writeln!(h, "</main>\n</body>\n</html>")?;
        Ok(h)
    }

    fn task_section(&self, h: &mut String) -> fmt::Result {
        let task = &self.commitment.task;
        let regs = &self.commitment.registers;
        let master = regs.master.map_or(regs.entities.size.0, |m| m.size.0);
        writeln!(
            h,
            "<section id=\"task\">\n<h2>一、抽查任务<span class=\"en\">Task</span></h2>\n<table class=\"kv\">"
        )?;
        task_rows(
            h,
            self.commitment,
            self.items,
            usize::try_from(master).unwrap_or(usize::MAX),
        )?;
        if task.scope.is_none() {
            writeln!(
                h,
                "<tr><th>抽查范围 <span class=\"en\">Scope</span></th><td id=\"scope-rule\">名录库全部对象（未设定向抽查条件），共 {} 户</td></tr>",
                regs.entities.size.0
            )?;
        }
        if let Some(d) = task.inspection_date {
            writeln!(
                h,
                "<tr><th>检查日期 <span class=\"en\">Inspection date</span></th><td>{}</td></tr>",
                double_random::calendar::format_date(d)
            )?;
        }
        writeln!(
            h,
            "<tr><th>执法人员名录库 <span class=\"en\">Inspectors</span></th><td>共 {} 人，检查组由同一随机数从中随机匹配（回避关系已预先登记）</td></tr>",
            regs.inspectors.size.0
        )?;
        writeln!(
            h,
            "<tr><th>承诺时间 <span class=\"en\">Committed at</span></th><td id=\"committed-at\">{}</td></tr>",
            self.commitment.chain.created_at.beijing().labelled()
        )?;
        writeln!(h, "</table>\n</section>")
    }

    fn class_section(&self, h: &mut String) -> fmt::Result {
        let task = &self.commitment.task;
        let pools = self.commitment.pools();
        writeln!(
            h,
            "<section id=\"classes\">\n<h2>二、各类户数与拟抽取户数<span class=\"en\">Per credit-risk class</span></h2>"
        )?;
        writeln!(
            h,
            "<table class=\"classes\">\n<thead><tr><th>信用风险分类 <span class=\"en\">Class</span></th>\
             <th class=\"num\">名录库户数 <span class=\"en\">Pool</span></th>\
             <th class=\"num\">抽查比例 <span class=\"en\">Ratio</span></th>\
             <th class=\"num\">拟抽取户数 <span class=\"en\">To draw</span></th></tr></thead>\n<tbody>"
        )?;
        for c in CreditClass::ALL {
            let i = c.index();
            writeln!(
                h,
                "<tr data-class=\"{c}\"><td>{c} 类 · {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                c.chinese_name(),
                pools[i],
                percent(*task.ratios_bp.get(c)),
                self.to_draw[i]
            )?;
        }
        writeln!(
            h,
            "</tbody>\n<tfoot><tr><td>合计 <span class=\"en\">Total</span></td><td class=\"num\">{}</td><td class=\"num\"></td><td class=\"num\" id=\"to-draw-total\">{}</td></tr></tfoot>\n</table>",
            pools.iter().sum::<u64>(),
            self.to_draw.iter().sum::<u64>()
        )?;
        writeln!(
            h,
            "<p class=\"note\">各类拟抽取户数 = 名录库户数 × 抽查比例，不足 1 户的部分按 1 户计；名录库合计不足 3 户的全部抽取，否则合计至少抽取 3 户。\
             各企业所属信用风险分类不予公示，仅公示各类户数。\
             <span class=\"en\">Which firm is in which class is not published, only the counts.</span></p>\n</section>"
        )
    }

    fn randomness_section(&self, h: &mut String) -> fmt::Result {
        writeln!(
            h,
            "<section id=\"randomness-plan\">\n<h2>三、随机数来源与抽取时间<span class=\"en\">Randomness and when the draw takes place</span></h2>"
        )?;
        writeln!(
            h,
            "<p>{}</p>",
            randomness_in_words(&self.commitment.randomness)
        )?;
        let when = match &self.commitment.randomness {
            RandomnessPlan::Drand { .. } => {
                "该轮随机数公布后即进行抽取：抽取对象和检查组完全由本承诺和该随机数决定。"
            }
            RandomnessPlan::Ceremony { .. } => {
                "仪式产生随机数后即进行抽取：抽取对象和检查组完全由本承诺和仪式产生的数值决定。欢迎公众到场或通过见证人监督。"
            }
            RandomnessPlan::Local {} => "抽取时由本机关计算机生成随机数。",
        };
        writeln!(h, "<p>{when}</p>\n</section>")
    }

    fn check_later_section(&self, h: &mut String) -> fmt::Result {
        let id = hex(self.id);
        writeln!(
            h,
            "<section id=\"check-later\">\n<h2>四、事后如何核对<span class=\"en\">How to check later</span></h2>\n<ol>"
        )?;
        writeln!(
            h,
            "<li>抽取完成后，本机关将发布随机抽取结果公示，列明抽中的检查对象、检查组和所用的随机数。</li>"
        )?;
        writeln!(
            h,
            "<li>结果公示附录中的“承诺记录”编号应与本公告相同（前 16 位为 <span class=\"mono\">{}</span>），公钥指纹应与本公告相同。编号不同，说明抽取所依据的不是本公告公布的承诺。</li>",
            &id[..16]
        )?;
        match &self.commitment.randomness {
            RandomnessPlan::Drand { round, .. } => writeln!(
                h,
                "<li>任何人都可以在 drand 官方网站或其镜像查询第 {} 轮的随机数，与结果公示中的随机值核对；该轮的公布时间见第三部分，晚于本公告的承诺时间。</li>",
                round.0
            )?,
            RandomnessPlan::Ceremony { .. } => writeln!(
                h,
                "<li>仪式产生的数值应与结果公示中的随机值一致，可向到场人员和见证人核实。</li>"
            )?,
            RandomnessPlan::Local {} => {}
        }
        writeln!(
            h,
            "<li>任何人都可以向本机关索取凭证链文件和公钥文件，用公开的核验程序重算抽取：若名单、检查组或本公告的任何内容在承诺后被改动，核验将不通过（命令见附录）。</li>"
        )?;
        writeln!(
            h,
            "<li>被检查对象可以请本机关出具证明，自行核对本单位是否在名录库中、是否被抽中。</li>\n</ol>\n</section>"
        )
    }

    fn appendix(&self, h: &mut String) -> fmt::Result {
        let c = self.commitment;
        let row = |h: &mut String, zh: &str, en: &str, value: &str| -> fmt::Result {
            writeln!(
                h,
                "<tr><th>{zh} <span class=\"en\">{en}</span></th><td class=\"mono\">{value}</td></tr>"
            )
        };
        writeln!(
            h,
            "<section id=\"appendix\" class=\"appendix\">\n<h2>附录：技术核验信息<span class=\"en\">Appendix: technical details</span></h2>\n<table class=\"kv\">"
        )?;
        writeln!(
            h,
            "<tr><th>签发单位 <span class=\"en\">Issuer</span></th><td>{}</td></tr>",
            Esc(self.key.issuer())
        )?;
        row(
            h,
            "公钥指纹",
            "Key fingerprint",
            &format!(
                "<span id=\"fingerprint\">{}</span>",
                Esc(self.key.fingerprint())
            ),
        )?;
        row(
            h,
            "承诺记录",
            "Commitment record",
            &format!(
                "<span id=\"commitment-id\">{}</span><br>链上序号 {}",
                hex(self.id),
                c.chain.sequence
            ),
        )?;
        let plan = match &c.randomness {
            RandomnessPlan::Drand { chain_hash, round } => {
                let network = if *chain_hash == QUICKNET_CHAIN_HASH {
                    "quicknet".to_owned()
                } else {
                    hex(chain_hash)
                };
                let at = drand_round_time(chain_hash, round.0)
                    .map(|t| format!("，{}", t.beijing().labelled()))
                    .unwrap_or_default();
                format!(
                    "drand {network} 第 {} 轮{at}<br>chain hash {}",
                    round.0,
                    hex(chain_hash)
                )
            }
            RandomnessPlan::Ceremony { scheduled_at, .. } => {
                format!("公开抽签仪式，{}", scheduled_at.beijing().labelled())
            }
            RandomnessPlan::Local {} => "本地随机数 (local)".to_owned(),
            #[allow(unreachable_patterns)]
            _ => String::new(),
        };
        row(
            h,
            "随机源",
            "Randomness",
            &format!("<span id=\"randomness\">{plan}</span>"),
        )?;
        row(
            h,
            "检查对象名录库根",
            "Entity register root (pool)",
            &format!(
                "{}<br>{} 户",
                hex(&c.registers.entities.root),
                c.registers.entities.size.0
            ),
        )?;
        if let Some(m) = &c.registers.master {
            row(
                h,
                "全量名录库根",
                "Master register root",
                &format!("{}<br>{} 户", hex(&m.root), m.size.0),
            )?;
        }
        row(
            h,
            "执法人员名录库根",
            "Inspector register root",
            &format!(
                "{}<br>{} 人",
                hex(&c.registers.inspectors.root),
                c.registers.inspectors.size.0
            ),
        )?;
        row(
            h,
            "回避关系根（加盐，不公开名单）",
            "Conflicts root (salted)",
            &format!(
                "{}<br>{} 条",
                hex(&c.registers.conflicts.root),
                c.registers.conflicts.size.0
            ),
        )?;
        if let Some(i) = &c.registers.items {
            row(
                h,
                "抽查事项清单根",
                "Check-item list root",
                &format!("{}<br>{} 项", hex(&i.root), i.size.0),
            )?;
        }
        writeln!(h, "</table>")?;
        writeln!(
            h,
            "<p class=\"verified\">生成本公告前，已核验凭证链上全部 {} 条记录的签名与链规则{}。\
             <span class=\"en\">The chain verified before rendering.</span></p>",
            self.checked.records,
            if self.checked.draws_replayed > 0 {
                format!("，并重放了 {} 次抽取", self.checked.draws_replayed)
            } else {
                String::new()
            }
        )?;
        writeln!(
            h,
            "<p>抽取后任何人可运行：</p>\n<pre id=\"verify-command\">double-random verify --chain {} --public-key {}</pre>",
            Esc(&self.chain_file),
            Esc(&self.key_file)
        )?;
        writeln!(h, "</section>")
    }
}
