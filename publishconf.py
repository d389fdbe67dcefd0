"""Settings for publishing: the public address, used in feeds, the sitemap and canonical links."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("JIEBANG_SITEURL", "https://jiebang.example.gov.cn")
RELATIVE_URLS = False
