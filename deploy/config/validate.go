package config

// defaults fills unset options (placeholder, replaced by the real one).
func (c *Config) defaults() {}

// Validate checks the whole config (placeholder, replaced by the real one).
func (c *Config) Validate() error { return nil }
