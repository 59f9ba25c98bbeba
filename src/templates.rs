//! Baseline templates: reference architectures shipped in the binary.
