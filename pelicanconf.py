"""Pelican settings for the sample site: identity, URLs, what Pelican itself should and should not do.

The records are published by the jiebang plugin (tools/jiebang/site), not by Pelican's article
generator; Pelican builds the static pages in content/pages and copies the theme's assets.
"""

SITENAME = "景德镇市“揭榜挂帅”榜单公告（示例站点）"
SITESUBTITLE = "重大技术需求榜单、揭榜结果与项目进展"
SITEURL = ""
PATH = "content"
THEME = "theme"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
PLUGINS = ["jiebang.site"]

# Records are not articles (Pelican's own generators must not read lists/ or results/).
ARTICLE_PATHS = []
ARTICLE_EXCLUDES = ["lists", "results", "regulation"]
PAGE_PATHS = ["pages"]
PAGE_EXCLUDES = ["lists", "results", "regulation"]
STATIC_PATHS = []
DIRECT_TEMPLATES = []
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
AUTHOR_SAVE_AS = CATEGORY_SAVE_AS = TAG_SAVE_AS = ""
AUTHORS_SAVE_AS = CATEGORIES_SAVE_AS = TAGS_SAVE_AS = ARCHIVES_SAVE_AS = ""
PAGINATION_PATTERNS = [(1, "{base_name}/", "{base_name}/index.html"), (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html")]
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = False
MARKDOWN = {"extension_configs": {"markdown.extensions.tables": {}}, "output_format": "html5"}

# Where each kind of page lives. URLs never come from titles, so they never change.
JIEBANG_URLS = {
    "list": "lists/{id}/",
    "result": "results/{id}/",
    "industry": "industries/{slug}/",
    "year": "years/{year}/",
    "status": "status/{slug}/",  # slug: the status in pinyin (揭榜中 → jiebangzhong)
    "county": "counties/{slug}/",  # the demander's county in pinyin (珠山区 → zhushanqu)
}
# Every listing (/lists/, /results/, each industry, year, status, county) shows this many items a page;
# page 2 is at PAGINATION_PATTERNS' {base_name}/page/2/.
JIEBANG_PAGE_SIZE = 50
# The site-wide feeds (all, lists, results) keep the latest this many entries; an industry's and a list's
# feed keep every entry.
JIEBANG_FEED_LIMIT = 100

# Site identity (government-site conventions). Leave 网站标识码 and 备案 empty for a site that is not an
# official government site: it then says so plainly and shows no such marks.
JIEBANG_IDENTITY = {
    "主办单位": "（示例）景德镇市科学技术局",
    "承办单位": "（示例）景德镇市科学技术局计划科",
    "联系方式": "0798-8222222",
    "地址": "（示例）江西省景德镇市珠山区示例路 1 号",
    "ICP备案号": "",
    "公安备案号": "",
    "网站标识码": "",
}
JIEBANG_SAMPLE = True  # the sample content is fictional: every page says so
JIEBANG_DECLARATION = (
    "郑重声明：市科技局及其工作人员在榜单发布、揭榜、评审、立项和资金拨付的任何环节，均不会以任何名义向申报单位收取费用。"
    "如有人以市科技局名义索要费用，请立即向市科技局举报。"
)
JIEBANG_REPOSITORY_COMMIT_URL = ""  # e.g. "https://git.example.gov.cn/jiebang/content/commit/{commit}"

# Open contracting data (/data/ocds/, OCDS 1.1): each list is one contracting process whose ocid is this prefix,
# "-" and the list id (ocds-xxxxxx-JDZ-2022-001). A publisher registers its own prefix ("ocds-" and six
# characters) with the Open Contracting Partnership; "ocds-xxxxxx" is the placeholder the sample uses, and the
# /data/ page says so while it is in use. JIEBANG_OCDS_PAYER names the party that pays the tranches (第九条（七）).
JIEBANG_OCDS_OCID_PREFIX = "ocds-xxxxxx"
JIEBANG_OCDS_PAYER = "（示例）景德镇市财政局"
