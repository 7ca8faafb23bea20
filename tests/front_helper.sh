#!/bin/sh
# tests/cli/front.rs's stand-in for `ses-smtp-password-aws`: records its
# arguments, its pid and one variable in $FRONT_TEST_DIR, and exits 42.
# A committed file, linked into each test's folder: a test never writes an
# executable, which a concurrent test's fork could hold open for writing
# (exec would then fail with "Text file busy").
printf '%s\n' "$@" > "$FRONT_TEST_DIR/argv"
echo $$ > "$FRONT_TEST_DIR/pid"
echo "$FRONT_TEST" > "$FRONT_TEST_DIR/env"
exit 42
