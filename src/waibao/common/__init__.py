"""Shared pieces every area uses: money, errors, timestamps, exports."""
