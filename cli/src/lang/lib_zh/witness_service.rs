//! The witness service's errors (crate `double-random-witness`) in Chinese.

use double_random_witness::NotOnChain;
use double_random_witness::server::ServeError;
use double_random_witness::store::StoreError;

use crate::lang::Zh;
use crate::lang::errors_zh::io_zh;

impl Zh for StoreError {
    fn zh(&self) -> String {
        match self {
            StoreError::Io { path, cause } => format!("{}：{}", path.display(), io_zh(cause)),
            StoreError::Sqlite { path, cause } => {
                format!("{}：SQLite 数据库出错（{cause}）", path.display())
            }
            StoreError::Corrupt {
                path,
                what,
                message,
            } => format!("{}：保存的 {what} 已损坏：{message}", path.display()),
            StoreError::OtherWitness {
                path,
                stored,
                given,
            } => format!(
                "{}：此状态属于见证方密钥 {stored}，而不是 {given}；请使用创建它的密钥，或换一个状态目录",
                path.display()
            ),
            StoreError::Clock => "系统时钟的时间不可用".to_owned(),
            _ => self.to_string(),
        }
    }
}

impl Zh for ServeError {
    fn zh(&self) -> String {
        match self {
            ServeError::Runtime(e) => format!("无法启动运行时：{}", io_zh(e)),
            ServeError::Bind { address, cause } => {
                format!("无法在 {address} 上监听：{}", io_zh(cause))
            }
            ServeError::Serve(e) => format!("见证服务出错：{}", io_zh(e)),
            ServeError::Store(e) => e.zh(),
            _ => self.to_string(),
        }
    }
}

impl Zh for NotOnChain {
    fn zh(&self) -> String {
        match self {
            NotOnChain::Fork { held, ours } => format!(
                "见证方副署的是序号 {} 的记录 {}，而本链在该序号上是 {ours}（分叉）",
                held.sequence, held.record
            ),
            NotOnChain::Rollback { held, len } => format!(
                "见证方副署到序号 {}，但本链只有 {len} 条记录（被回滚，或这是旧副本）",
                held.sequence
            ),
            _ => self.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_in_chinese_keep_path_and_keys() {
        let e = StoreError::OtherWitness {
            path: "state/witness.db".into(),
            stored: "aa11".into(),
            given: "bb22".into(),
        };
        assert!(e.to_string().contains("belongs to witness key aa11"));
        let zh = e.zh();
        assert!(zh.contains("state/witness.db") && zh.contains("aa11") && zh.contains("bb22"));
        assert!(zh.contains("见证方密钥"), "{zh}");
        assert_eq!(StoreError::Clock.zh(), "系统时钟的时间不可用");
    }
}
