//! double-random
