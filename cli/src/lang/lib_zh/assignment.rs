//! Team assignment: format version 1 (`assignment::v1`) and version 2
//! (re-exported at `assignment`), the staffing check and picks after a draw.

use double_random::assignment::{
    AssignError, Binding, Bottleneck, Breakdown, OfficerKind, PickBreakdown, PickError, RulesError,
    StaffingError, v1,
};

use super::{Zh, class};

const HISTORY_MISSING: &str = "轮换规则为 avoid-previous-team，但没有给出历史；\
     请提供上一次抽取的检查组（首次抽取给空的历史），或关闭轮换";

const ZERO_WORKLOAD_CAP: &str = "工作量上限为 0，无法分派任何人；请提高工作量上限或取消该上限";

fn repeated_department(department: &str) -> String {
    format!("股室 {department} 在任务中列了两次；每个股室只列一次")
}

fn duplicate_entity(uscc: impl std::fmt::Display) -> String {
    format!("检查对象 {uscc} 在抽中名单中出现了两次；每个抽中对象只能给一次")
}

fn region_unknown(uscc: impl std::fmt::Display) -> String {
    format!(
        "检查对象 {uscc} 没有行政区划，无法执行所所交叉；请在检查对象名录中填写其行政区划，或改用 any-jurisdiction"
    )
}

// ---- Format version 1 ----

fn slot_v1(slot: &v1::SlotKind) -> String {
    match slot {
        v1::SlotKind::Department { department } => format!("股室 {department} 的席位"),
        v1::SlotKind::Expertise { tag } => format!("专业领域 {tag} 的席位"),
        v1::SlotKind::Any => "不限股室的席位".to_owned(),
        other => other.to_string(),
    }
}

fn breakdown_v1(b: &v1::Breakdown) -> String {
    format!(
        "共 {} 人：{} 人已在本组，{} 人执法证无效，{} 人需回避，{} 人属同一辖区，{} 人因轮换排除，{} 人已达工作量上限",
        b.total, b.on_team, b.expired, b.conflicted, b.same_jurisdiction, b.rotation, b.at_cap
    )
}

impl Zh for v1::AssignError {
    fn zh(&self) -> String {
        match self {
            v1::AssignError::Rules(e) => format!("检查组规则：{}", e.zh()),
            v1::AssignError::DuplicateEntity { uscc } => duplicate_entity(uscc),
            v1::AssignError::RegionUnknown { uscc } => region_unknown(uscc),
            v1::AssignError::NoTeam { uscc, slot, reason } => format!(
                "检查对象 {uscc} 无法组成检查组：{}：{}",
                slot_v1(slot),
                reason.zh()
            ),
            _ => self.to_string(),
        }
    }
}

impl Zh for v1::RulesError {
    fn zh(&self) -> String {
        match self {
            v1::RulesError::TeamSizeBelowTwo { team_size } => format!(
                "检查组人数 {team_size} 少于 2；法律（行政处罚法第四十二条）要求至少两名执法人员，请把 team_size 设为 2 或以上"
            ),
            v1::RulesError::EmptyDepartment { position } => {
                format!("任务中编号 {position} 的股室为空（0 为发起股室）；请写明股室名称")
            }
            v1::RulesError::EmptyExpertise => {
                "有一个要求的专业领域标签为空；请删除它或写明专业领域".to_owned()
            }
            v1::RulesError::RepeatedDepartment { department } => repeated_department(department),
            v1::RulesError::TooSmallForDepartments {
                team_size,
                departments,
            } => format!(
                "检查组人数 {team_size} 少于须各派一人的 {departments} 个股室；请把 team_size 提高到 {departments}，或减少配合股室"
            ),
            v1::RulesError::TooSmallForExpertise {
                team_size,
                departments,
                tags,
            } => format!(
                "检查组人数 {team_size} 少于 {departments} 个股室席位加 {tags} 个专业领域席位；请把 team_size 提高到 {}，或减少所要求的专业领域标签",
                departments + tags
            ),
            v1::RulesError::ZeroWorkloadCap => ZERO_WORKLOAD_CAP.to_owned(),
            v1::RulesError::HistoryMissing => HISTORY_MISSING.to_owned(),
            v1::RulesError::DepartmentNotInRegister { department } => format!(
                "股室 {department} 在执法检查人员名录中没有任何人员；请把该股室的人员加入名录，或跨单位抽取"
            ),
            v1::RulesError::NoHolderOfExpertise { tag } => format!(
                "任务所涉股室中没有人具备专业领域 {tag}；请登记该资格，增加具备该资格的人员，或增加有此类人员的配合股室"
            ),
            v1::RulesError::TeamLargerThanDepartments {
                team_size,
                inspectors,
            } => format!(
                "检查组人数 {team_size} 超过任务所涉股室的 {inspectors} 名执法检查人员；请降低 team_size、增加人员或跨单位抽取"
            ),
            v1::RulesError::CapacityTooLow {
                places,
                capacity,
                inspectors,
            } => format!(
                "要填补 {places} 个检查组席位，但工作量上限只允许 {capacity} 个（执法证有效的人员 {inspectors} 名）；请提高工作量上限或增加人员"
            ),
            _ => self.to_string(),
        }
    }
}

impl Zh for v1::Binding {
    fn zh(&self) -> String {
        match self {
            v1::Binding::AllConflicted { conflicted } => format!(
                "其余条件都符合的 {conflicted} 名执法检查人员都已申报与该检查对象回避；请在股室中增加无需回避的人员，或跨单位抽取（需回避的人员绝不会被选用）"
            ),
            v1::Binding::CapacityExhausted { cap, at_cap } => format!(
                "其余条件都符合的 {at_cap} 名执法检查人员都已达到 {cap} 户的工作量上限；请提高工作量上限或增加人员"
            ),
            v1::Binding::DepartmentHasNobodyEligible {
                department,
                breakdown,
            } => format!(
                "股室 {department} 没有符合条件的人员（{}）；请为 {department} 增加人员，或跨单位抽取",
                breakdown_v1(breakdown)
            ),
            v1::Binding::NobodyWithExpertise { tag, breakdown } => format!(
                "没有符合条件的人员具备专业领域 {tag}（{}）；请在任务所涉股室中为人员登记 {tag} 资格，或增加具备 {tag} 的人员",
                breakdown_v1(breakdown)
            ),
            v1::Binding::TooFewEligible {
                needed,
                available,
                breakdown,
            } => format!(
                "检查组需要 {needed} 名不同的执法检查人员，但该检查对象只有 {available} 名符合条件（{}）；请减少检查组人数、增加人员或跨单位抽取",
                breakdown_v1(breakdown)
            ),
            _ => self.to_string(),
        }
    }
}

// ---- Format version 2 ----

fn breakdown(b: &Breakdown) -> String {
    format!(
        "股室共 {} 名执法人员：{} 人不具备所需专业领域，{} 人执法证无效，{} 人需回避，{} 人属同一辖区，{} 人因轮换排除",
        b.total, b.lacks_expertise, b.expired, b.conflicted, b.same_jurisdiction, b.rotation
    )
}

fn pick_breakdown(b: &PickBreakdown) -> String {
    let mut out = format!("该席位所属股室共 {} 名执法人员", b.total);
    for (n, what) in [
        (b.lacks_expertise, "不具备该席位要求的专业领域"),
        (b.expired, "在检查日期没有有效的执法证"),
        (b.conflicted, "已申报与该检查对象回避"),
        (b.same_jurisdiction, "其辖区包含该检查对象"),
        (b.rotation, "上次检查过该对象（轮换）"),
        (b.on_team, "已在其检查组中"),
        (b.left, "已退出其检查组，或已退出本次抽取（因病、调动）"),
    ] {
        if n > 0 {
            out.push_str(&format!("；{n} 人{what}"));
        }
    }
    out
}

fn officer_kind(k: &OfficerKind) -> String {
    format!(
        "{}的 {} 名执法人员中适合席位 {:?} 的 {} 名",
        k.department, k.officers, k.places, k.counted
    )
}

fn bottleneck(b: &Bottleneck) -> String {
    let kinds: Vec<String> = b.kinds.iter().map(officer_kind).collect();
    let example = b
        .example
        .map(|e| format!("，例如 {e} 这样的检查对象"))
        .unwrap_or_default();
    format!(
        "某次抽取可能要从 {} 名执法人员中填补 {} 个席位（{}）{example}",
        b.officers,
        b.places,
        kinds.join("；")
    )
}

impl Zh for AssignError {
    fn zh(&self) -> String {
        match self {
            AssignError::Rules(e) => format!("检查组规则：{}", e.zh()),
            AssignError::HistoryMissing => HISTORY_MISSING.to_owned(),
            AssignError::DuplicateEntity { uscc } => duplicate_entity(uscc),
            AssignError::RegionUnknown { uscc } => region_unknown(uscc),
            AssignError::NoTeam {
                uscc,
                place,
                reason,
            } => format!(
                "检查对象 {uscc} 无法组成检查组：抽中对象无论怎样分派都无法填补席位 {place}：{}",
                reason.zh()
            ),
            _ => self.to_string(),
        }
    }
}

impl Zh for RulesError {
    fn zh(&self) -> String {
        match self {
            RulesError::TooFewPlaces { places } => format!(
                "检查组只有 {places} 个席位；法律（行政处罚法第四十二条）要求至少两名执法人员，请给检查组设两个或更多席位"
            ),
            RulesError::TooManyPlaces { places, max } => {
                format!("检查组有 {places} 个席位，超过允许的 {max} 个；请减少席位")
            }
            RulesError::TooManyDepartments { departments, max } => {
                format!("任务列了 {departments} 个股室，超过允许的 {max} 个；请拆分任务")
            }
            RulesError::BlankDepartment { position } => {
                format!("任务中编号 {position} 的股室为空白（0 为发起股室）；请写明股室名称")
            }
            RulesError::RepeatedDepartment { department } => repeated_department(department),
            RulesError::PlaceDepartmentNotInTask { place, department } => format!(
                "席位 {place} 属于股室 {department}，但它不是该任务的股室；请把它列为配合股室，或更正该席位"
            ),
            RulesError::TooManyTags { place, tags, max } => {
                format!("席位 {place} 列了 {tags} 个专业领域标签，超过允许的 {max} 个")
            }
            RulesError::BlankExpertise { place } => {
                format!("席位 {place} 列了一个空白的专业领域标签；请删除它或写明专业领域")
            }
            RulesError::DepartmentWithoutPlace { department } => format!(
                "股室 {department} 参与该任务，但没有属于它的席位；联合检查要求每个股室都派员，请给它一个席位"
            ),
            RulesError::ZeroWorkloadCap => ZERO_WORKLOAD_CAP.to_owned(),
            _ => self.to_string(),
        }
    }
}

impl Zh for Binding {
    fn zh(&self) -> String {
        match self {
            Binding::NobodyEligible { breakdown: b } => format!(
                "没有人符合该席位的条件（{}）；请为该股室增加人员或登记资格，或跨单位抽取（需回避的人员绝不会被选用）",
                breakdown(b)
            ),
            Binding::TooFewForTeam { places, officers } => format!(
                "该检查对象的席位 {places:?} 只能由这 {} 名执法人员 {officers:?} 填补；请增加符合条件的人员，或减少有这些要求的席位",
                officers.len()
            ),
            Binding::CapacityExhausted {
                cap,
                officers,
                places,
            } => format!(
                "能填补该席位的每名执法人员（无论直接填补，还是调动其他人员后填补）都已达到 {cap} 户的工作量上限（共搜索 {officers} 名人员、{places} 个席位）；请提高工作量上限或增加人员"
            ),
            _ => self.to_string(),
        }
    }
}

impl Zh for StaffingError {
    fn zh(&self) -> String {
        match self {
            StaffingError::Rules(e) => format!("检查组规则：{}", e.zh()),
            StaffingError::HistoryMissing => HISTORY_MISSING.to_owned(),
            StaffingError::SizeExceedsPool {
                class: c,
                size,
                pool,
            } => format!(
                "{}要抽取 {size} 户，但对象池中只有 {pool} 户；请更正抽取户数",
                class(*c)
            ),
            StaffingError::RegionUnknown { uscc } => format!(
                "检查对象 {uscc} 没有行政区划，若被抽中将无法执行所所交叉；请填写其行政区划，或改用 any-jurisdiction"
            ),
            StaffingError::EntityUnstaffable {
                uscc,
                place,
                reason,
            } => format!(
                "检查对象 {uscc} 可能被抽中，但即使只有它一户也无法组成检查组：席位 {place}：{}",
                reason.zh()
            ),
            StaffingError::CapTooLow {
                cap,
                smallest_safe_cap,
                bottleneck: b,
            } => format!(
                "工作量上限 {cap} 不能保证每一种可能的抽取结果都能配齐检查组：{}；请把工作量上限设为至少 {smallest_safe_cap}，或增加这几类执法人员",
                bottleneck(b)
            ),
            StaffingError::TooComplex { work, limit } => format!(
                "配员检查需要 {work} 次计算，超过其上限 {limit}；请减少不同的席位要求，或取消工作量上限并改为检查抽取结果"
            ),
            _ => self.to_string(),
        }
    }
}

impl Zh for PickError {
    fn zh(&self) -> String {
        match self {
            PickError::Rules(e) => format!("检查组规则：{}", e.zh()),
            PickError::HistoryMissing => "轮换规则为 avoid-previous-team，但没有给出历史；\
                 请提供承诺的历史所指那次抽取的检查组"
                .to_owned(),
            PickError::RegionUnknown { uscc } => {
                format!("检查对象 {uscc} 没有行政区划，无法对其执行所所交叉")
            }
            PickError::PlaceOutOfRange { place, places } => format!(
                "席位 {place} 不存在：检查组有 {places} 个席位（编号 0 至 {}）",
                places.saturating_sub(1)
            ),
            PickError::NoCandidate {
                uscc,
                place,
                breakdown: b,
            } => format!(
                "检查对象 {uscc}，席位 {place}：没有执法人员能接替该席位（{}）；无法生成该记录：请在新的承诺中增加符合条件的人员，或按现有检查组记录检查情况",
                pick_breakdown(b)
            ),
            _ => self.to_string(),
        }
    }
}
