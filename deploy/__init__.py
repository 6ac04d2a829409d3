"""Running several ringboard processes: the proxy's config, a one-command local cluster, a compose file."""
