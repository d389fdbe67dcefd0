"""Measure the recall of Chinese full-text search in a real browser: Pagefind (extended) vs our bigram index.

    .venv/bin/python bench/search_recall.py [--keep DIR]

Builds ~40 realistic 揭榜挂帅 requirement pages (the prose imitates the 征集表 of the Jingdezhen measures in
shared/regulation, recombined with a seeded RNG), indexes them with `pagefind_extended` and with
jiebang.site.search.index, then runs 50 terms of 2-4 characters in headless Chromium: names, words, and
substrings that cross word boundaries (烧成温, 化工企). Recall = documents found / documents that contain
the term as a plain substring of title, meta or text. Prints recall and index size per engine.
"""

from __future__ import annotations

import argparse
import gzip
import html
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))

from browser import (  # noqa: E402
    SEARCH_JS,
    chromium_available,
    launch_chromium,
    run_search,
    serve_directory,
    write_search_page,
)
from jiebang.site.search.index import SearchDoc, build_search_index  # noqa: E402

INDUSTRIES: dict[str, dict[str, list[str]]] = {
    "陶瓷": {
        "titles": [
            "高白度日用细瓷低温快烧工艺研究",
            "氮化硅陶瓷轴承球致密化烧结技术",
            "薄胎青花瓷器变形控制关键技术",
            "陶瓷窑炉余热回收与节能改造",
            "高温颜色釉呈色稳定性提升",
            "建筑陶瓷大板干法制粉技术",
        ],
        "sentences": [
            "目前产品烧成温度为1320℃，烧成周期长达14小时，能耗居高不下。",
            "需在不降低白度和透光度的前提下，将烧成温度降低至1200℃以下。",
            "坯体在干燥和烧成过程中收缩不均匀，导致薄胎器型变形率超过30%。",
            "高温颜色釉受窑内气氛波动影响大，同一窑次不同位置色差明显。",
            "氮化硅粉体团聚严重，气压烧结后致密度不足，难以满足高端轴承的使用要求。",
            "希望开发新型助熔剂配方，实现釉面光泽度和硬度同步提升。",
            "窑炉排烟温度超过250℃，大量余热未被利用，亟需余热回收方案。",
            "要求揭榜方提供从原料配方、成型工艺到烧成制度的完整技术方案。",
            "需建立陶瓷原料化学成分快速检测方法，检测时间缩短至30分钟以内。",
            "攻关后产品吸水率不高于0.5%，热稳定性达到180℃至20℃水中急冷一次不裂。",
            "采用SiC陶瓷作为窑具材料，要求抗热震性能提升一倍以上。",
            "瓷泥可塑性差、成型合格率低，制约了高档日用瓷的规模化生产。",
        ],
        "demanders": ["景德镇红叶陶瓷股份有限公司", "江西景华特种陶瓷有限公司", "景德镇陶瓷大学"],
    },
    "航空": {
        "titles": [
            "直升机旋翼桨叶复合材料无损检测技术",
            "航空发动机叶片精密铸造缺陷控制",
            "通用飞机机身钛合金结构件数控加工变形控制",
            "航空零部件表面涂层激光清洗工艺",
            "无人直升机飞行控制系统国产化",
        ],
        "sentences": [
            "旋翼桨叶为碳纤维复合材料夹层结构，内部脱粘和分层缺陷难以用常规手段检出。",
            "需开发基于相控阵超声的自动化检测装备，检测效率提高到现有人工检测的3倍。",
            "钛合金薄壁件在数控加工后回弹变形量达到0.3毫米，超出装配公差要求。",
            "叶片精密铸造过程中疏松和夹杂缺陷比例偏高，一次合格率仅为65%。",
            "要求揭榜方建立铸造过程数值仿真模型，并通过CFD仿真优化浇注系统。",
            "现有涂层去除依赖化学褪漆，产生大量废液，不符合绿色制造要求。",
            "飞行控制计算机核心芯片依赖进口，存在断供风险，属于典型的卡脖子问题。",
            "攻关目标为实现飞控系统关键部件全部国产化，平均故障间隔时间不低于2000小时。",
            "检测结果需与航空制造企业现有质量管理体系对接，形成可追溯的数字化记录。",
            "项目成果应在直升机总装生产线完成不少于50架次的应用验证。",
        ],
        "demanders": [
            "昌河飞机工业（集团）有限责任公司",
            "景德镇航空零部件制造有限公司",
            "江西洪都航空精密部件有限公司",
        ],
    },
    "精细化工": {
        "titles": [
            "农药中间体连续流合成工艺开发",
            "高纯电子化学品提纯技术",
            "化工企业含盐废水资源化处理",
            "水性聚氨酯涂料耐候性提升",
            "精细化工园区危险工艺自动化控制",
        ],
        "sentences": [
            "现有间歇釜式工艺反应时间长、收率低，副产物多，三废处理压力大。",
            "需开发微通道连续流反应工艺，反应收率提高到92%以上，单批次生产周期缩短一半。",
            "化工企业产生的高含盐废水COD浓度高，蒸发结晶得到的杂盐无法资源化利用。",
            "电子级硫酸中金属离子含量需控制在10ppb以下，满足集成电路制造要求。",
            "水性涂料在湿热环境下易出现起泡和粉化，户外使用寿命不足三年。",
            "要求在精细化工园区内实现硝化、氯化等危险工艺的全流程自动化控制。",
            "催化剂寿命短、再生困难，每年更换催化剂的费用超过300万元。",
            "揭榜方应具备中试放大能力，能够在企业现场完成千吨级装置的工程化验证。",
            "项目完成后万元产值综合能耗下降15%，危险废物产生量减少40%。",
            "化工企业所在县区对安全环保要求日益严格，技术升级迫在眉睫。",
        ],
        "demanders": [
            "江西世龙实业股份有限公司",
            "景德镇宏柏化学科技有限公司",
            "乐平市精细化工产业园管理委员会",
        ],
    },
    "先进制造": {
        "titles": [
            "汽车零部件智能检测生产线",
            "大型铸件机器人打磨系统",
            "工业互联网平台设备预测性维护",
            "高精度减速器齿轮加工工艺",
        ],
        "sentences": [
            "目前零部件尺寸检测依靠人工卡尺测量，漏检率高，无法满足主机厂质量追溯要求。",
            "需研制基于机器视觉的在线检测系统，检测节拍不超过6秒，误判率低于0.1%。",
            "铸件打磨工序粉尘大、噪声高，招工难问题突出，亟需机器人替代人工。",
            "要求建立设备运行数据采集与故障预测模型，关键设备非计划停机时间减少50%。",
            "减速器齿轮齿形误差偏大，传动噪声超过72分贝，影响整机性能。",
            "揭榜方需提供软硬件一体化解决方案，并负责现场安装调试和人员培训。",
            "项目实施后生产效率提升30%，产品不良率下降到千分之三以内。",
            "需兼容企业现有的MES系统和PLC控制系统，数据接口符合国家相关标准。",
        ],
        "demanders": ["景德镇富祥药业股份有限公司", "江西昌河汽车有限责任公司", "景德镇市焦化工业集团"],
    },
    "生物医药": {
        "titles": [
            "原料药绿色合成与晶型控制技术",
            "中药配方颗粒质量标准研究",
            "抗生素发酵菌种选育与工艺优化",
        ],
        "sentences": [
            "原料药生产过程中使用大量有机溶剂，溶剂回收率不足70%。",
            "产品晶型不稳定，储存过程中易发生转晶，影响制剂溶出度。",
            "需采用酶催化等绿色合成路线替代传统化学合成路线，减少重金属催化剂用量。",
            "中药配方颗粒指纹图谱与标准汤剂的相似度需达到0.9以上。",
            "发酵单位偏低，菌种传代稳定性差，亟需开展高产菌种选育。",
            "项目应符合药品生产质量管理规范要求，关键工艺参数完成验证。",
            "攻关后发酵单位提高20%以上，生产成本降低15%。",
        ],
        "demanders": ["江西富祥药业股份有限公司", "景德镇市中医院", "江西天新药业有限公司"],
    },
    "新能源": {
        "titles": [
            "分布式光伏与储能协同控制系统",
            "锂离子电池正极材料回收利用技术",
            "氢燃料电池双极板涂层技术",
        ],
        "sentences": [
            "园区分布式光伏发电波动大，现有储能系统响应慢，弃光率达到8%。",
            "需开发源网荷储协同控制策略，实现峰谷电价套利和需量管理。",
            "废旧锂离子电池正极材料中镍钴锰回收率不足85%，浸出过程产生酸性废水。",
            "金属双极板在燃料电池运行环境中易腐蚀，接触电阻随运行时间明显上升。",
            "要求涂层在80℃、pH=3的模拟环境中腐蚀电流密度低于1微安每平方厘米。",
            "攻关后储能系统综合效率不低于88%，并通过电网公司并网检测。",
        ],
        "demanders": [
            "景德镇市能源投资集团有限公司",
            "江西赣锋锂业集团股份有限公司",
            "浮梁县新能源发展有限公司",
        ],
    },
}

# Sentences shared by every requirement, adapted from the 征集通知 and 管理办法 in shared/regulation.
GENERAL = [
    "需求内容应聚焦本行业、本企业发展的卡脖子等前沿技术、核心关键技术、共性技术、重要工艺和方法。",
    "通过项目实施，能够显著提升本行业的核心竞争力，带动相关产业整体水平能力的提升。",
    "揭榜方应具备较强的研发实力、科研条件和稳定科研队伍，近三年内无不良信用记录。",
    "鼓励产学研合作揭榜攻关，揭榜方需提出攻克关键核心技术的可行性方案，掌握自主知识产权。",
    "项目承接企业能够提供技术研发及成果转化等所需的专业人员、团队、资金、场地等配套条件。",
    "财政支持资金采用前资助与后补助相结合的方式，中期评估通过后给予后续支持。",
    "需求方和揭榜方在技术合同中约定知识产权的归属和分配，避免产生知识产权纠纷。",
    "实施周期原则上为3年，执行期满1个月内必须提出验收申请。",
    "技术需求企业对技术攻关取得的预期技术成果开展产业化转化，提升我国相关产业竞争力。",
]

STATUSES = ["揭榜中", "已截止", "已更正", "已终止", "已揭榜"]
KINDS = ["榜单", "榜单", "榜单", "成果"]


def make_corpus(count: int = 40, seed: int = 2022) -> list[SearchDoc]:
    """Return `count` requirement records, meta holding industry, status, kind and demander."""
    rng = random.Random(seed)
    industries = sorted(INDUSTRIES)
    records: list[SearchDoc] = []
    for n in range(count):
        industry = industries[n % len(industries)]
        pool = INDUSTRIES[industry]
        title = pool["titles"][(n // len(industries)) % len(pool["titles"])]
        demander = rng.choice(pool["demanders"])
        specific = rng.sample(pool["sentences"], k=min(len(pool["sentences"]), rng.randint(4, 7)))
        general = rng.sample(GENERAL, k=rng.randint(2, 4))
        budget = rng.choice([100, 120, 150, 180, 200, 260, 300, 500])
        paragraphs = [
            f"技术难题概述\n\n{demander}提出本项技术需求。" + "".join(specific[:3]),
            "预期技术目标\n\n" + "".join(specific[3:]) + general[0],
            f"经费预算\n\n预计项目经费{budget}万元，其中企业支付揭榜单位研发资金{budget // 2}万元。"
            + "".join(general[1:]),
        ]
        meta = {
            "industry": industry,
            "status": STATUSES[n % len(STATUSES)],
            "kind": KINDS[n % len(KINDS)],
            "demander": demander,
        }
        records.append(
            SearchDoc(f"/lists/JDZ-{2022 + n % 3}-{n + 1:03d}/", title, "\n\n".join(paragraphs), meta)
        )
    return records


# Terms a user would type: names, words, and substrings across word boundaries (烧成温 = 烧成|温度).
CHOSEN_TERMS = [
    "昌河", "景德镇", "赣锋锂业", "富祥药业", "世龙", "洪都",
    "陶瓷", "航空", "叶片", "釉面", "光伏", "晶型", "涂层", "催化剂",
    "卡脖子", "揭榜方", "氮化硅", "连续流", "相控阵", "双极板", "指纹图谱", "余热回收",
    "精细化工", "知识产权", "机器视觉", "菌种选育", "危险工艺",
    "烧成温", "化工企", "术需求", "热回收", "工园区", "测效率", "成本降", "能耗下", "型变形", "温度降", "料配方",
]  # fmt: skip
TERM_COUNT = 50


def document_text(doc: SearchDoc) -> str:
    # Fields joined by a newline: a CJK term cannot contain one, so a hit never spans two fields.
    return "\n".join([doc.title, *doc.meta.values(), doc.text])


def pick_terms(docs: list[SearchDoc], count: int = TERM_COUNT, seed: int = 7) -> list[str]:
    """The chosen terms that occur, then seeded random 2-4 character substrings until `count`."""
    texts = [document_text(d) for d in docs]
    terms = [t for t in CHOSEN_TERMS if any(t in x for x in texts)]
    runs = sorted({run for x in texts for run in re.findall(r"[\u4e00-\u9fff]{2,}", x)})
    rng = random.Random(seed)
    while len(terms) < count:
        run = rng.choice(runs)
        length = rng.randint(2, min(4, len(run)))
        start = rng.randint(0, len(run) - length)
        term = run[start : start + length]
        if term not in terms:
            terms.append(term)
    return terms[:count]


def expected_urls(docs: list[SearchDoc], term: str) -> set[str]:
    return {d.url for d in docs if term in document_text(d)}


def page_html(doc: SearchDoc) -> str:
    meta = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in doc.meta.items())
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in doc.text.split("\n\n"))
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(doc.title)}</title></head><body><main data-pagefind-body>"
        f"<h1>{html.escape(doc.title)}</h1><dl>{meta}</dl>{paragraphs}</main></body></html>\n"
    )


def build_site(docs: list[SearchDoc], site: Path) -> None:
    """Write one page per document, the search page, our index and Pagefind's index under `site`."""
    for doc in docs:
        page = site / doc.url.strip("/") / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(page_html(doc), "utf-8")
    write_search_page(site)
    build_search_index(docs, site / "search")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pagefind_bin_extended",
            "--site",
            str(site),
            "--glob",
            "lists/**/*.html",
            "--quiet",
        ],
        check=True,
        capture_output=True,  # its "no stemming for zh-cn" note is expected; errors still raise
    )


def tree_bytes(files: list[Path]) -> tuple[int, int]:
    return sum(p.stat().st_size for p in files), len(files)


def pagefind_files(site: Path) -> tuple[list[Path], list[Path]]:
    """Pagefind's bundle split into index data (meta, index chunks, fragments) and its JS/WASM runtime."""
    files = sorted(p for p in (site / "pagefind").rglob("*") if p.is_file())
    runtime = [p for p in files if p.suffix in (".js", ".css") or p.name.startswith("wasm.")]
    return [p for p in files if p not in runtime], runtime


def is_pagefind_data(url: str) -> bool:
    name = url.rsplit("/", 1)[-1]
    return "/pagefind/" in url and not name.endswith((".js", ".css")) and not name.startswith("wasm.")


def is_our_data(url: str) -> bool:
    return "/search/index/" in url


PAGEFIND_QUERY = """async (term) => {
  window.__pf = window.__pf || await import('/pagefind/pagefind.js');
  const search = await window.__pf.search(term);
  const data = await Promise.all(search.results.map((r) => r.data()));
  return data.map((d) => d.url);
}"""


def query_pagefind(page, base: str, term: str) -> set[str]:
    page.goto(base + "search/")  # a fresh page per query, as a visitor arriving from another page
    return set(page.evaluate(PAGEFIND_QUERY, term))


def query_ours(page, base: str, term: str) -> set[str]:
    return set(run_search(page, base + "search/", term))


def measure(docs: list[SearchDoc], site: Path) -> None:
    from playwright.sync_api import sync_playwright

    terms = pick_terms(docs)
    expected = {t: expected_urls(docs, t) for t in terms}
    pf_data, pf_runtime = pagefind_files(site)
    ours = sorted(p for p in (site / "search" / "index").rglob("*") if p.is_file())
    engines = {
        "pagefind-extended": (query_pagefind, is_pagefind_data, tree_bytes(pf_data), tree_bytes(pf_runtime)),
        "jiebang bigram": (query_ours, is_our_data, tree_bytes(ours), tree_bytes([SEARCH_JS])),
    }
    # Pagefind writes its index files gzip-compressed; ours are plain JSON that the web server compresses.
    gzipped = {"jiebang bigram": sum(len(gzip.compress(p.read_bytes(), mtime=0)) for p in ours)}
    print(f"{len(docs)} documents, {sum(len(d.text) for d in docs)} characters of text, {len(terms)} terms")
    with sync_playwright() as pw, serve_directory(site) as base:
        browser = launch_chromium(pw)
        traffic: list[tuple[str, int]] = []
        for name, (run, is_data, (size, files), (runtime, _)) in engines.items():
            found_total = expected_total = extra_total = perfect = 0
            fetched = []
            misses = []
            for term in terms:
                traffic.clear()
                context = browser.new_context()  # an empty cache, so every query pays its own way
                page = context.new_page()
                # Responses include what Pagefind fetches from its web worker; http.server sends Content-Length.
                page.on(
                    "response", lambda r: traffic.append((r.url, int(r.headers.get("content-length", 0))))
                )
                found = run(page, base, term)
                context.close()
                fetched.append(sum(n for url, n in traffic if is_data(url)))
                want = expected[term]
                hit = found & want
                found_total += len(hit)
                expected_total += len(want)
                extra_total += len(found - want)
                if hit == want:
                    perfect += 1
                else:
                    misses.append(f"{term} {len(hit)}/{len(want)}")
            print(
                f"{name}: recall {found_total}/{expected_total} = {found_total / expected_total:.1%},"
                f" terms with full recall {perfect}/{len(terms)},"
                f" results not containing the term {extra_total}"
            )
            gz = f" ({gzipped[name]:,} gzipped file by file)" if name in gzipped else " (stored gzipped)"
            print(
                f"    index {size:,} bytes{gz} in {files} files, runtime {runtime:,} bytes,"
                f" index bytes fetched per query: mean {sum(fetched) // len(fetched):,}, max {max(fetched):,}"
            )
            if misses:
                print("    missed: " + ", ".join(misses))
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the site in DIR and keep it")
    args = parser.parse_args()
    if not chromium_available():
        print("chromium is missing: apt-get install chromium", file=sys.stderr)
        return 2
    docs = make_corpus()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.keep or Path(tmp) / "site"
        started = time.perf_counter()
        build_site(docs, site)
        print(f"built both indexes in {time.perf_counter() - started:.1f}s")
        measure(docs, site)
    return 0


if __name__ == "__main__":
    sys.exit(main())
