//! The registers: codes, classes, statuses, the rules a row breaks, and
//! repeated entries.

use double_random::registers::{
    CreditClassError, DuplicateEntity, DuplicateInspector, DuplicateItem, Rule, StatusError,
    UsccError,
};

use super::{Zh, date};

/// The spellings of a credit class, as the English lists them.
const CLASS_SPELLINGS: &str = "请填写 A、B、C 或 D；A类..D类；low、general、higher、high；或 低风险、一般风险、较高风险、高风险";

/// The spellings of a registration status, as the English lists them.
const STATUS_SPELLINGS: &str = "请填写 存续/在业/开业 或 active；歇业 或 suspended；吊销 或 revoked；注销 或 deregistered；迁出 或 moved-out；列入经营异常名录 或 abnormal-list；列入严重违法失信名单 或 serious-violation-list";

impl Zh for UsccError {
    fn zh(&self) -> String {
        match self {
            UsccError::Length { len } => {
                format!("统一社会信用代码应为 18 位，这个代码有 {len} 位")
            }
            UsccError::Character { position, found } => format!(
                "第 {position} 位的字符 {found:?} 不能用于统一社会信用代码（可用：0-9 和 A-Y，但不用 I、O、S、V、Z）"
            ),
            UsccError::CheckCharacter { expected, found } => {
                format!("校验码为 {found}，按 GB 32100-2015 应为 {expected}")
            }
            _ => self.to_string(),
        }
    }
}

impl Zh for CreditClassError {
    fn zh(&self) -> String {
        format!("{:?} 不是信用风险分类（{CLASS_SPELLINGS}）", self.text)
    }
}

impl Zh for StatusError {
    fn zh(&self) -> String {
        format!("{:?} 不是登记状态（{STATUS_SPELLINGS}）", self.text)
    }
}

impl Zh for DuplicateEntity {
    fn zh(&self) -> String {
        format!("统一社会信用代码 {} 出现了不止一次", self.uscc)
    }
}

impl Zh for DuplicateInspector {
    fn zh(&self) -> String {
        format!("执法检查人员编号 {:?} 出现了不止一次", self.id)
    }
}

impl Zh for DuplicateItem {
    fn zh(&self) -> String {
        format!("抽查事项编号 {:?} 出现了不止一次", self.id)
    }
}

impl Zh for Rule {
    fn zh(&self) -> String {
        match self {
            Rule::MissingField => "必填项为空".to_owned(),
            Rule::InvalidUscc { error } => {
                format!("不是有效的统一社会信用代码：{}", error.zh())
            }
            Rule::CheckCharacterAccepted { expected } => format!(
                "校验码不符合 GB 32100-2015（应为 {expected}）；按宽松规则（lenient）予以接受"
            ),
            Rule::UnknownCreditClass => format!("无法识别的信用风险分类（{CLASS_SPELLINGS}）"),
            Rule::Unclassified => "没有信用风险分类：抽取按 A–D 类分别进行，每个检查对象都必须有分类；\
                 没有评级的单位（如事业单位等公共机构）请按本单位规则为其确定分类，\
                 如需将其单独抽取，可把抽查任务的范围限定于它们的主体类型（见 docs/columns.zh-CN.md）"
                .to_owned(),
            Rule::UnknownStatus => format!("无法识别的登记状态（{STATUS_SPELLINGS}）"),
            Rule::DuplicateId { first_row } => {
                format!("重复：第 {first_row} 行已有相同的值")
            }
            Rule::MissingDepartment => "执法检查人员必须有所属股室".to_owned(),
            Rule::InvalidRegion => {
                "行政区划代码为 6 位数字（GB/T 2260）；管辖区域也可以是 2 位或 4 位的前缀".to_owned()
            }
            Rule::InvalidDate => {
                "不是日期（请写成 2024-03-05、2024/3/5 或 2024年3月5日）".to_owned()
            }
            Rule::CertificateDatesReversed {
                valid_from,
                valid_to,
            } => format!(
                "执法证有效期止日 {} 早于有效期起日 {}",
                date(*valid_to),
                date(*valid_from)
            ),
            Rule::CertificateExpired { on, valid_to } => format!(
                "执法证有效期至 {}，早于 {}",
                date(*valid_to),
                date(*on)
            ),
            Rule::CertificateNotYetValid { on, valid_from } => format!(
                "执法证自 {} 起才有效，晚于 {}",
                date(*valid_from),
                date(*on)
            ),
            Rule::UnknownInspector => "执法检查人员名录中没有这个编号的人员".to_owned(),
            Rule::UnknownEntity => "检查对象名录中没有这个统一社会信用代码的对象".to_owned(),
            Rule::UnknownCategory => {
                "无法识别的事项类别（请填写 key/重点 或 general/一般）".to_owned()
            }
            Rule::UnknownMethod => "无法识别的检查方式（请填写 on-site/实地核查、written/书面检查、\
                 online-monitoring/网络监测 或 entrusted/委托检验检测）"
                .to_owned(),
            Rule::IdCharacters {
                position,
                code_point,
            } => format!(
                "第 {position} 个字符是 {code_point}：编号只能用 A-Z、a-z、0-9、'-'、'_' 和 '.' 书写（见 docs/columns.zh-CN.md）"
            ),
            Rule::IdTooLong { length, max } => {
                format!("编号最多 {max} 个字符，这个编号有 {length} 个")
            }
            Rule::ConfusableId { first_row } => format!(
                "与第 {first_row} 行的编号看起来相同（只差大小写，或用了形近字符，如 O 与 0、l 与 1）：是否同一条记录录入了两次？"
            ),
            Rule::InvisibleCharacter {
                position,
                code_point,
            } => format!(
                "第 {position} 个字符是 {code_point}，是不可见字符或会改变文字显示顺序的字符；请删除（见 docs/columns.zh-CN.md）"
            ),
            Rule::MixedScript => "混用了外形相似的不同文字的字母（如拉丁字母与西里尔字母或希腊字母）：请检查拼写"
                .to_owned(),
            Rule::SameNameInspector { first_row } => format!(
                "与第 {first_row} 行的执法检查人员姓名和股室都相同：是两个人，还是同一人录入了两次？"
            ),
            _ => self.to_string(),
        }
    }
}
