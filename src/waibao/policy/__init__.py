"""The policy app: the rules engine (pure Python, in `engine/`) and the policy packages it loads."""
