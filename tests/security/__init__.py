"""Issue 10 sweeps across every app: output escaping, PDF fetching, uploads, deployment."""
