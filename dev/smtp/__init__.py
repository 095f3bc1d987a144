"""A real SMTP server on loopback (aiosmtpd) for the local stack and the tests: dev/smtp/run.sh."""
