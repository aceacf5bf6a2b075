#!/usr/bin/env bash
# Regenerates the README picture: the bot's real reply to the example story, recorded from
# the fake Discord by the height-budget test and drawn Discord-style by tools/render_replies.py
# (headless Chromium). Writes docs/example-reply.png and the recorded body docs/example-reply.json.
set -euo pipefail
cd "$(dirname "$0")/.."
NEWSBRIEF_REPLY_PICTURE="$PWD/docs/example-reply.png" \
  cargo test --test bot the_example_story_reply_fits_the_height_budget -- --exact --nocapture 2>&1 \
  | grep -E "example story reply|test result"
echo "wrote docs/example-reply.png and docs/example-reply.json"
