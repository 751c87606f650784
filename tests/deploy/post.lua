-- wrk script for tests/deploy/rolling_restart.sh: POST a small body to apps/hello's /echo.
wrk.method = "POST"
wrk.path = "/echo"
wrk.body = "tern rolling restart"
wrk.headers["Content-Type"] = "text/plain"
