//! .xlsx workbooks (placeholder).

use super::{InputError, Table};

pub(super) fn read_xlsx(file: &str, _bytes: &[u8]) -> Result<Table, InputError> {
    Err(InputError::NoSheet {
        file: file.to_owned(),
    })
}
