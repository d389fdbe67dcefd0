"""A national-scale content tree for the benchmarks: N lists, about 3.6 notices each, in a git history.

    python bench/gen_content.py N OUT_DIR [--seed S] [--as-of YYYY-MM-DD]

Writes OUT_DIR/content/{lists,results,regulation} (the regulation copied from this repository's
content/regulation/) as a git repository at OUT_DIR, built with `git fast-import` and checked out:

- lists over as many years as their three-digit ids need (999 a year; at least 2012–2026, ending in
  the as-of year), published in batches; the last batch is still open (揭榜中) on the as-of date;
- each list's notices follow 第九条's lifecycle as far as the as-of date has reached: 揭榜结果公示 with
  its 公示期 (some 赛马制, with several solvers, and a local 承接企业 where 第五条（五） asks for one),
  立项, the three 资金拨付 tranches (50/30/20, each after its condition), 中期评估, 延期, 验收 (合格 and
  不合格), 终止 after 中期评估 不再支持, and 流榜; the share of 流榜 is calibrated so that the tree has
  about 3.6 notices a list, as the sample content has;
- some lists are corrected after publication, each in a commit of its own dated that day: a field
  changed (deadline, budget.total_wan, indicators.target + targets, or problem), a `changes` entry and
  a 更正公告 naming exactly those fields, so `jiebang validate --base` passes on the history;
- one commit per month with records (each record committed in its own month, so in its own year).

Every long text (problem, targets, benefits, solver_requirements, ip_terms, notice bodies) differs from
every other: composed from varied vocabulary with a seeded RNG and the record's own numbers, within the
regulation's 字数 limits (counted more strictly than Word does). Deterministic for given N, seed and
as-of date. Credit codes carry valid GB 32100-2015 check characters; demanders and 承接企业 are local
(the regulation's region code prefix). Deliberately independent of the jiebang package (only PyYAML,
to read the regulation): the package's modules move, the bench's input must not.
"""

from __future__ import annotations

import argparse
import calendar
import json
import math
import random
import re
import shutil
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 12, 1)
SEED = 20220905
PER_YEAR_MAX = 999  # ids are <prefix>-<year>-<three digits>
MIN_YEARS = 15  # 2012–2026 for the default as-of date
TARGET_RATIO = 3.6  # notices per list, as in the sample content (51 notices, 14 lists)
CORRECTION_SHARE = 0.08
TZ = timezone(timedelta(hours=8))
HEADER = ("# yaml-language-server: $schema=../../../tools/jiebang/schemas/{kind}.schema.json\n"
          "# 基准测试数据（bench/gen_content.py 生成）：单位名称、统一社会信用代码、联系人均为虚构。\n")
AUTHORS = ["市科技局计划科 <jhk@example.gov.cn>", "王敏 <wangmin@example.gov.cn>", "陈立新 <chenlx@example.gov.cn>",
           "刘芳 <liufang@example.gov.cn>"]

# ---------------------------------------------------------------- GB 32100-2015 credit codes

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = [pow(3, i, 31) for i in range(17)]
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    total = sum(_INDEX[ch] * w for ch, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code(department: str, region: str, serial: int) -> str:
    """department "91" (enterprise) or "12" (public institution); region six digits; serial unique."""
    if department == "91":
        body, k = [], serial
        for _ in range(7):
            k, r = divmod(k, 31)
            body.append(ALPHABET[r])
        body9 = "MA" + "".join(reversed(body))
    else:
        body9 = f"4{serial % 10**8:08d}"
    first17 = department + region + body9
    return first17 + check_character(first17)


# ---------------------------------------------------------------- Word's 字数, counted from above


_COUNTED = re.compile(r"[^\x00-\x7f\s]|[!-~]+")


def word_count(text: str) -> int:
    """Each non-ASCII character 1, each run of ASCII non-space 1: never less than Word's 字数
    (which groups symbols with digits and ignores Markdown markup)."""
    return len(_COUNTED.findall(text))


# ---------------------------------------------------------------- vocabulary


def _w(text: str) -> list[str]:
    return text.split()


# Per industry: subfields, objects, techniques, factors, defects, aspects, fields of expertise,
# scenarios, firm-name trades, institute fields, and indicators
# (name, unit, current range, target range, "low"/"high" is better, decimals).
INDUSTRIES: dict[str, dict] = {
    "陶瓷": dict(
        subfields=_w("日用陶瓷节能烧成 陶瓷窑炉节能环保 陶瓷增材制造 高温颜色釉 艺术陶瓷数字化 建筑卫生陶瓷 陶瓷原料精制 陶瓷装饰材料"),
        objects=_w("日用陶瓷 高白瓷 青花瓷 颜色釉瓷 薄胎瓷 骨质瓷 卫生陶瓷 陶瓷岩板 陶瓷花纸 高岭土原料 陶瓷辊棒 窑具材料 釉中彩瓷 酒店用瓷"),
        techs=_w("低温快烧 高压注浆成型 等静压成型 数字喷墨装饰 釉料配方优化 窑炉余热回收 烟气超低排放治理 光固化增材制造 "
                 "机器人施釉 原料除铁提纯 微波干燥 缺陷在线检测 窑温智能控制 坯釉适配调控"),
        factors=_w("原料化学成分 窑内温度场 釉料粒度分布 坯体含水率 烧成气氛 升温曲线 泥料可塑性 装窑密度"),
        defects=_w("针孔 橘釉 缩釉 变形开裂 色差 落脏 釉泡 阴黄"),
        aspects=_w("白度 热稳定性 釉面光泽 坯体强度 呈色稳定性 尺寸精度"),
        expertise=_w("陶瓷材料 釉料配方 窑炉烧成 无机非金属材料 硅酸盐工程 陶瓷装备"),
        scenarios=_w("中高端日用餐具 酒店用瓷 高端陈设艺术瓷 建筑装饰 出口日用瓷订单 文创礼品瓷"),
        trades=_w("瓷业 日用瓷 陶瓷科技 窑炉科技 釉料 陶瓷装备 特种陶瓷 艺术瓷"),
        institute=_w("陶瓷 硅酸盐 陶瓷工艺 窑炉节能"),
        indicators=[("烧成温度", "℃", (1260, 1330), (1120, 1190), "low", 0), ("烧成周期", "h", (9, 14), (2.5, 4), "low", 1),
                    ("一级品率", "%", (70, 80), (85, 93), "high", 1), ("吸水率", "%", (0.5, 1.2), (0.1, 0.3), "low", 2),
                    ("白度", "度", (62, 72), (75, 82), "high", 0), ("釉面光泽度", "", (82, 90), (95, 105), "high", 0),
                    ("单位产品综合能耗", "kgce/t", (420, 560), (280, 360), "low", 0), ("变形率", "%", (3, 6), (0.5, 1.5), "low", 1)],
    ),
    "航空": dict(
        subfields=_w("航空复合材料制造 直升机健康管理 航空发动机零部件 航空数字化装配 无人机系统 航空材料检测 直升机传动系统"),
        objects=_w("直升机主桨叶 尾传动轴 复合材料蒙皮 钛合金结构件 航空轴承 机身壁板 无人机机体 旋翼系统 主减速器齿轮 航空线束 "
                   "起落架部件 舱门组件"),
        techs=_w("自动铺丝 热压罐固化 超声相控阵无损检测 数字化装配 激光冲击强化 健康监测与故障预测 精密数控加工 增材修复 "
                 "振动主动控制 复合材料胶接 机器人钻铆 数字孪生仿真"),
        factors=_w("铺层角度偏差 固化温度梯度 装配应力 刀具磨损 残余应力 振动载荷谱 环境湿热"),
        defects=_w("孔隙 分层 褶皱 微裂纹 装配干涉 表面烧伤"),
        aspects=_w("结构减重 疲劳寿命 装配精度 检测效率 可靠性 维修性"),
        expertise=_w("航空制造 复合材料 无损检测 结构强度 故障诊断 精密加工"),
        scenarios=_w("民用直升机批产 无人机研制 航空维修保障 通用航空器制造 航空零部件转包生产"),
        trades=_w("航空科技 航空部件 复合材料 精密机械 航空装备 检测技术"),
        institute=_w("航空制造技术 直升机技术 航空材料 结构强度"),
        indicators=[("孔隙率", "%", (1.5, 3), (0.5, 1), "low", 1), ("铺放效率", "kg/h", (3, 6), (12, 20), "high", 0),
                    ("检测覆盖率", "%", (60, 80), (95, 99), "high", 0), ("故障预警准确率", "%", (70, 82), (92, 97), "high", 0),
                    ("装配周期", "天", (20, 35), (8, 14), "low", 0), ("加工精度", "mm", (0.05, 0.1), (0.01, 0.02), "low", 2),
                    ("疲劳寿命", "万次", (50, 80), (120, 200), "high", 0), ("结构减重", "%", (0, 0), (10, 18), "high", 0)],
    ),
    "精细化工": dict(
        subfields=_w("医药中间体绿色合成 电子化学品 高端助剂 农药中间体 催化材料 化工过程安全 有机硅材料"),
        objects=_w("医药中间体 电子级硫酸 电子级双氧水 光刻胶配套试剂 有机硅单体 高分子助剂 水性涂料 手性药物中间体 催化剂载体 "
                   "含氟精细化学品 香料中间体 阻燃剂"),
        techs=_w("连续流微反应 膜分离纯化 精馏耦合结晶 绿色催化氧化 本质安全工艺 废水资源化 痕量金属杂质控制 酶催化合成 "
                 "溶剂回收 在线分析控制 固定床连续加氢 低温精密精馏"),
        factors=_w("反应停留时间 传质效率 催化剂失活 杂质累积 温度失控风险 物料配比"),
        defects=_w("副产物超标 金属离子超标 颜色偏深 收率波动 结晶团聚 管道堵塞"),
        aspects=_w("产品纯度 收率 本质安全 三废排放 能耗 批次一致性"),
        expertise=_w("化学工程 有机合成 分离纯化 催化 化工安全 分析检测"),
        scenarios=_w("原料药生产 集成电路湿法工艺 新型涂料生产 农药原药生产 高端助剂出口"),
        trades=_w("化工 精细化工 新材料科技 医药化工 电子材料 助剂"),
        institute=_w("精细化工 化工工艺 催化 化学分析"),
        indicators=[("反应收率", "%", (65, 78), (88, 95), "high", 0), ("产品纯度", "%", (98, 99.3), (99.8, 99.95), "high", 2),
                    ("单项金属杂质含量", "ppb", (50, 200), (5, 10), "low", 0), ("反应时间", "h", (8, 16), (0.5, 2), "low", 1),
                    ("溶剂回收率", "%", (60, 75), (92, 97), "high", 0), ("吨产品废水产生量", "t", (15, 30), (3, 6), "low", 0),
                    ("持液量", "L", (500, 3000), (20, 80), "low", 0)],
    ),
    "先进制造": dict(
        subfields=_w("智能制造装备 工业机器人 精密加工 数字化车间 汽车零部件 节能装备 智能检测装备"),
        objects=_w("陶瓷异形件 汽车变速箱壳体 精密模具 农机装备 工业阀门 电机转子 液压元件 数控机床主轴 家电钣金件 压缩机 "
                   "减速器 轴承套圈"),
        techs=_w("机器人柔性施釉 视觉引导装配 数字孪生 精密铸造 激光焊接 在线检测 工艺参数自适应 预测性维护 柔性产线 高速切削 "
                 "智能排产 热处理变形控制"),
        factors=_w("工件定位误差 刀具磨损 热变形 来料一致性 设备振动 人工操作差异"),
        defects=_w("尺寸超差 气孔 焊接裂纹 表面划伤 装配错漏 涂层不均"),
        aspects=_w("生产节拍 加工精度 柔性换型 设备利用率 质量追溯 人工成本"),
        expertise=_w("机械工程 机器人 自动控制 工业软件 精密制造 检测技术"),
        scenarios=_w("多品种小批量生产 汽车零部件配套 家电整机生产 工程机械制造 陶瓷生产线改造"),
        trades=_w("机械 智能装备 精密制造 汽车部件 自动化科技 机电"),
        institute=_w("智能制造 机械工程 工业自动化 精密加工"),
        indicators=[("生产节拍", "s/件", (90, 150), (30, 60), "low", 0), ("定位精度", "mm", (0.2, 0.5), (0.02, 0.05), "low", 2),
                    ("设备综合效率", "%", (55, 68), (80, 88), "high", 0), ("产品不良率", "%", (2, 5), (0.3, 0.8), "low", 1),
                    ("换型时间", "min", (60, 120), (10, 20), "low", 0), ("单线用工", "人", (12, 20), (3, 6), "low", 0)],
    ),
    "电子信息": dict(
        subfields=_w("工业机器视觉 文化数字化 工业互联网 集成电路封测 智能传感器 数据安全 工业软件"),
        objects=_w("片式电子元器件 陶瓷器物 印制电路板 功率半导体模块 柔性显示模组 工业传感器 边缘计算网关 电子标签 光通信器件 "
                   "生产执行系统 古陶瓷标本 电子陶瓷基板"),
        techs=_w("深度学习缺陷检测 高精度三维数字化采集 数字确权 多源数据融合 低功耗无线组网 晶圆级封装 知识图谱 国产化适配 "
                 "边缘智能推理 隐私计算 小样本学习 高速图像采集"),
        factors=_w("光照条件 样本不平衡 数据噪声 网络时延 算力受限 接口协议不统一"),
        defects=_w("漏检 误判 数据丢包 模型漂移 纹理失真 接口兼容"),
        aspects=_w("检测速度 识别准确率 实时性 安全可控 部署成本 可扩展性"),
        expertise=_w("计算机视觉 人工智能 电子工程 软件工程 通信技术 信息安全"),
        scenarios=_w("电子元器件产线质检 文物与艺术品数字化 工业设备远程运维 智慧工厂 文化遗产保护利用"),
        trades=_w("电子科技 信息技术 智能科技 数字科技 软件 电子"),
        institute=_w("电子信息 人工智能 软件技术 数字文化"),
        indicators=[("缺陷检出率", "%", (85, 93), (99, 99.8), "high", 1), ("误判率", "%", (5, 12), (0.5, 2), "low", 1),
                    ("检测速度", "件/min", (60, 150), (600, 1200), "high", 0), ("三维重建精度", "mm", (0.3, 0.8), (0.03, 0.08), "low", 2),
                    ("端到端时延", "ms", (200, 500), (20, 50), "low", 0), ("节点功耗", "mW", (80, 150), (10, 25), "low", 0)],
    ),
    "生物医药": dict(
        subfields=_w("中药现代化 生物制造 医疗器械 创新药物 功能食品 体外诊断 中药材种植"),
        objects=_w("中药配方颗粒 重组胶原蛋白 中药饮片 医用敷料 体外诊断试剂 益生菌制剂 缓释制剂 植物提取物 疫苗佐剂 "
                   "医用陶瓷植入体 茶叶功能成分 道地药材"),
        techs=_w("特征图谱质量控制 高效表达与纯化 发酵工艺放大 连续制造 冻干工艺 微流控检测 分子标记鉴定 超临界萃取 无菌灌装 "
                 "杂质谱分析 细胞培养工艺 生物转化"),
        factors=_w("药材产地差异 发酵溶氧 菌种稳定性 提取温度 内毒素控制 批间差异"),
        defects=_w("含量波动 杂质超标 活性下降 溶出不稳定 染菌 聚集沉淀"),
        aspects=_w("质量一致性 生物活性 安全性 生产成本 合规性 可追溯性"),
        expertise=_w("中药学 生物工程 药物分析 制药工程 生物医学工程 微生物学"),
        scenarios=_w("中药配方颗粒生产 医美及创面修复 基层医疗检测 功能食品开发 药材规范化种植"),
        trades=_w("药业 生物科技 医疗器械 中药饮片 健康科技 制药"),
        institute=_w("中医药 生物技术 药物研究 医疗器械检验"),
        indicators=[("目标蛋白表达量", "g/L", (0.5, 1.5), (4, 8), "high", 1), ("产品纯度", "%", (90, 95), (98, 99.5), "high", 1),
                    ("批间含量相对标准偏差", "%", (8, 15), (2, 4), "low", 1), ("提取收率", "%", (50, 65), (80, 90), "high", 0),
                    ("检测灵敏度", "ng/mL", (5, 20), (0.1, 0.5), "low", 1), ("内毒素含量", "EU/mg", (5, 10), (0.1, 0.5), "low", 1)],
    ),
    "新能源": dict(
        subfields=_w("电化学储能 光伏组件 氢能 新能源汽车电驱 动力电池回收 智能电网 钠离子电池"),
        objects=_w("工商业储能电池系统 光伏组件 质子交换膜电解槽 驱动电机 退役动力电池 充电桩 钠离子电池 储能变流器 光伏背板 "
                   "燃料电池电堆 换电站 电池管理系统"),
        techs=_w("热失控早期预警 液冷热管理 高效钝化 梯次利用 湿法冶金回收 宽禁带器件驱动 电池状态估计 源网荷储协同 低铂催化 "
                 "大功率快充 正极材料改性 智能运维"),
        factors=_w("电芯一致性 温度分布 衰减机理 电网波动 材料成本 工况复杂性"),
        defects=_w("热失控 容量跳水 析锂 隐裂 绝缘失效 过温降额"),
        aspects=_w("安全性 循环寿命 能量效率 回收经济性 功率密度 全生命周期成本"),
        expertise=_w("电化学 电力电子 电池材料 热管理 电力系统 冶金工程"),
        scenarios=_w("工商业用户侧储能 分布式光伏电站 新能源汽车配套 动力电池回收利用 园区微电网"),
        trades=_w("新能源 储能科技 电池 光伏科技 电气 能源科技"),
        institute=_w("新能源 储能技术 电池材料 电力电子"),
        indicators=[("循环寿命", "次", (3000, 5000), (8000, 12000), "high", 0), ("能量密度", "Wh/kg", (120, 150), (170, 200), "high", 0),
                    ("组件转换效率", "%", (21, 22.5), (24, 25.5), "high", 1), ("有价金属回收率", "%", (80, 90), (97, 99), "high", 1),
                    ("热失控预警提前量", "min", (1, 5), (30, 60), "high", 0), ("簇内最大温差", "℃", (6, 10), (2, 3), "low", 1)],
    ),
    "新材料": dict(
        subfields=_w("先进陶瓷膜材料 特种玻璃 高性能纤维 稀土功能材料 金属基复合材料 电子陶瓷 先进结构陶瓷"),
        objects=_w("碳化硅陶瓷膜 氧化锆陶瓷 氮化硅轴承球 微晶玻璃 玄武岩纤维 多层陶瓷电容器介质 稀土永磁体 铝基复合材料 "
                   "高导热陶瓷基板 压电陶瓷 透明陶瓷 陶瓷纤维"),
        techs=_w("低温制备 凝胶注模成型 放电等离子烧结 流延成型 表面改性 纳米粉体分散 热等静压 晶界调控 低成本制备 精密研磨 "
                 "连续化拉丝 气氛压力烧结"),
        factors=_w("粉体团聚 烧结收缩 晶粒异常长大 界面结合 杂质相 浆料流变性"),
        defects=_w("气孔 微裂纹 翘曲 分层 晶粒粗大 表面缺陷"),
        aspects=_w("力学强度 热导率 致密度 耐腐蚀性 批次稳定性 制备成本"),
        expertise=_w("材料科学 无机非金属材料 粉末冶金 复合材料 材料物理 材料加工"),
        scenarios=_w("工业废水处理 高端轴承 电子封装 新能源汽车 半导体装备 航空航天配套"),
        trades=_w("新材料 特种陶瓷 材料科技 精密陶瓷 复合材料 功能材料"),
        institute=_w("新材料 先进陶瓷 材料工程 无机材料"),
        indicators=[("抗弯强度", "MPa", (300, 500), (800, 1100), "high", 0), ("断裂韧性", "MPa·m½", (3, 5), (7, 10), "high", 1),
                    ("热导率", "W/(m·K)", (60, 120), (170, 230), "high", 0), ("纯水通量", "L/(m²·h)", (300, 600), (1200, 2000), "high", 0),
                    ("相对致密度", "%", (94, 97), (99.5, 99.9), "high", 1), ("成品率", "%", (55, 70), (85, 92), "high", 0)],
    ),
}
INDUSTRY_WEIGHTS = {"陶瓷": 3, "航空": 2, "精细化工": 2, "先进制造": 2, "电子信息": 2, "生物医药": 2, "新能源": 2, "新材料": 2}

QUALIFIERS = _w("高性能 大尺寸 智能化 绿色低碳 高可靠 低成本 高精度 连续化 规模化 国产化 轻量化 长寿命 高效 精密 多功能 数字化")
SUFFIXES = _w("关键技术 关键技术研究及产业化 工艺开发与应用 技术攻关 集成应用关键技术 成套技术与装备 共性技术 工程化技术")
ZIHAO = _w("华 鼎 盛 瑞 景 昌 浮 乐 珠 新 宏 泰 恒 鑫 德 兴 达 嘉 汇 和 源 宇 正 联 锦 祥 裕 隆 丰 安 弘 启 睿 博 辰 骏 晟 润 翔 雅")
SURNAMES = _w("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 林 罗 高 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁 潘 蒋 蔡 余")
CITIES = [("北京市", "110108"), ("上海市", "310110"), ("天津市", "120116"), ("重庆市", "500106"), ("南京市", "320102"),
          ("杭州市", "330106"), ("合肥市", "340104"), ("武汉市", "420111"), ("长沙市", "430104"), ("广州市", "440106"),
          ("深圳市", "440305"), ("成都市", "510107"), ("西安市", "610113"), ("哈尔滨市", "230103"), ("大连市", "210204"),
          ("济南市", "370102"), ("南昌市", "360102"), ("厦门市", "350203"), ("沈阳市", "210102"), ("郑州市", "410105"),
          ("苏州市", "320505"), ("兰州市", "620102"), ("青岛市", "370212"), ("福州市", "350102"), ("株洲市", "430211"),
          ("宁波市", "330212")]
UNIVERSITY_KINDS = _w("工业 理工 科技 交通 化工 航空航天 材料 师范 医科 农业 电子科技 能源 石油 建筑")
CN_NUM = "零一二三四五六七八九十"


def cn_number(n: int) -> str:
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + (CN_NUM[n % 10] if n % 10 else "")
    return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")


def cn_count(n: int) -> str:
    """两个, 三个: a number before a measure word."""
    return "两" if n == 2 else cn_number(n)


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def fmt(value, decimals: int = 0) -> str:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if decimals == 0:
        return str(int(round(value)))
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return text


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


# ---------------------------------------------------------------- organisations


class Org:
    __slots__ = ("name", "kind", "code", "county", "city", "local")

    def __init__(self, name, kind, code, county, city, local):
        self.name, self.kind, self.code, self.county, self.city, self.local = name, kind, code, county, city, local


class Orgs:
    """Every organisation by name, each with one credit code, so a name always has the same code."""

    def __init__(self, city: str, counties: dict[str, str], rng: random.Random):
        self.city, self.counties, self.rng = city, list(counties.items()), rng
        self.city_short = city[:-1] if city.endswith("市") else city
        self.by_name: dict[str, Org] = {}
        self.serial = 1000
        self.solver_base = 10**6

    def _make(self, name: str, kind: str, region: str, county: str | None, city: str, local: bool) -> Org:
        org = self.by_name.get(name)
        if org is None:
            self.serial += 1
            department = "91" if kind == "企业" else "12"
            org = Org(name, kind, credit_code(department, region, self.serial * 37 + 11), county, city, local)
            self.by_name[name] = org
        return org

    def local_firm(self, industry: str, index: int) -> Org:
        vocab = INDUSTRIES[industry]
        a, b = ZIHAO[index % len(ZIHAO)], ZIHAO[(index // len(ZIHAO) + index * 7 + 3) % len(ZIHAO)]
        trade = vocab["trades"][(index // (len(ZIHAO) ** 2) + index) % len(vocab["trades"])]
        name = f"{self.city}示例{a}{b}{trade}有限公司"
        county, region = self.counties[(index * 5 + len(name)) % len(self.counties)]
        return self._make(name, "企业", region, county, self.city, True)

    def local_institution(self, kind: str, industry: str, index: int) -> Org:
        vocab = INDUSTRIES[industry]
        field = vocab["institute"][index % len(vocab["institute"])]
        zihao = ZIHAO[(index * 3) % len(ZIHAO)]
        if kind == "高校":
            name = f"{self.city_short}示例{field}学院" if index % 2 else f"{self.city_short}示例{zihao}{field}职业技术学院"
        elif kind == "科研院所":
            name = f"{self.city_short}示例{field}研究院" if index % 2 else f"{self.city}示例{zihao}{field}研究所"
        else:
            name = f"{self.city}示例{field}产业技术服务中心" if index % 2 else f"{self.city}示例{zihao}{field}检验检测中心"
        county, region = self.counties[index % len(self.counties)]
        return self._make(name, kind, region, county, self.city, True)

    def solver(self, industry: str, rng: random.Random) -> Org:
        roll = rng.random()
        vocab = INDUSTRIES[industry]
        if roll < 0.45:
            city, region = rng.choice(CITIES)
            name = f"{city[:-1]}示例{rng.choice(UNIVERSITY_KINDS)}大学"
            return self._make(name, "高校", region, None, city, False)
        if roll < 0.65:
            city, region = rng.choice(CITIES)
            name = f"{city[:-1]}示例{rng.choice(vocab['institute'])}研究院"
            return self._make(name, "科研院所", region, None, city, False)
        if roll < 0.90:
            city, region = rng.choice(CITIES)
            name = f"{city[:-1]}示例{rng.choice(ZIHAO)}{rng.choice(ZIHAO)}{rng.choice(vocab['trades'])}有限公司"
            return self._make(name, "企业", region, None, city, False)
        return self.local_firm(industry, self.solver_base + rng.randrange(2000))  # never a demander's index


# ---------------------------------------------------------------- the plan: what happens to each list


class Notice:
    __slots__ = ("kind", "date", "stage", "f", "rid", "doc_number")

    def __init__(self, kind: str, when: date, stage: int, **fields):
        self.kind, self.date, self.stage, self.f, self.rid, self.doc_number = kind, when, stage, fields, "", None


class Plan:
    """One list: everything decided up front, texts composed when its revisions are written."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def spread(k: int, alpha: float) -> float:
    """The k-th point of an additive recurrence (k·alpha mod 1): evenly spread in [0, 1), so that even a
    small tree has its share of each outcome; each decision has its own irrational alpha."""
    return (k * alpha + 0.5) % 1.0


STOP, FAIL_ACCEPT, EXTEND, RACE, CORRECT = 0.6180339887, 0.4142135624, 0.7320508076, 0.2360679775, 0.6457513111

STAGES = {"更正公告": 0, "揭榜结果公示": 1, "流榜": 1, "立项": 2, "t1": 3, "中期评估": 4, "t2": 5, "终止": 6, "延期": 6,
          "验收": 7, "t3": 8}


def indicator_values(spec, rng: random.Random) -> dict:
    name, unit, cur, tgt, better, dec = spec
    current = None if cur == (0, 0) else round(rng.uniform(*cur), dec)
    target = round(rng.uniform(*tgt), dec)
    return {"name": name, "unit": unit, "current": current, "target": target, "better": better, "dec": dec}


def show_value(value: float, unit: str, dec: int) -> str:
    text = fmt(value, dec)
    return f"{text}{unit}" if unit in ("%", "度", "") or not unit[0].isascii() else f"{text} {unit}"


def indicator_cells(ind: dict) -> tuple[str | None, str]:
    unit, dec = ind["unit"], ind["dec"]
    sign = "≤" if ind["better"] == "low" else "≥"
    current = None if ind["current"] is None else f"约{show_value(ind['current'], unit, dec)}"
    return current, f"{sign} {show_value(ind['target'], unit, dec)}"


class Planner:
    def __init__(self, n: int, seed: int, as_of: date, reg: dict):
        self.n, self.seed, self.as_of, self.reg = n, seed, as_of, reg
        self.rng = random.Random(seed)
        self.prefix = reg["id_prefix"]["value"]
        self.city = reg.get("city", "景德镇市")
        counties = reg["counties"]["value"]
        region_prefix = str(reg["region_code_prefix"]["value"])
        counties = {k: v for k, v in counties.items() if str(v).startswith(region_prefix)} or counties
        self.orgs = Orgs(self.city, counties, self.rng)
        self.industries = [i for i in reg["industries"]["value"] if i in INDUSTRIES]
        if not self.industries:
            raise SystemExit("gen_content: 管理办法数据文件中的行业都不在生成器词表中")
        self.weights = [INDUSTRY_WEIGHTS.get(i, 2) for i in self.industries]
        self.min_wan = Decimal(str(reg["list_amount_min_wan"]["value"]))
        self.ratio = Decimal(str(reg["subsidy_ratio_max"]["value"]))
        self.cap = Decimal(str(reg["subsidy_cap_wan"]["value"]))
        self.shares = [Decimal(str(s)) for s in reg["tranche_shares"]["value"]]
        self.period = int(reg["period_years"]["value"])
        self.completion_min = Decimal(str(reg["acceptance_completion_min"]["value"]))
        self.doc_prefix = re.match(r"^([\u4e00-\u9fff]+)〔", reg.get("doc_number", "景科字〔2022〕56号"))
        self.doc_prefix = self.doc_prefix.group(1) if self.doc_prefix else "景科字"
        self.titles: set[str] = set()
        self.firm_pool = max(12, n // 3)
        self.orgs.solver_base = self.firm_pool
        self.k = 0  # lists planned so far

    # -- years and batches

    def years(self) -> list[tuple[int, int]]:
        count = max(MIN_YEARS, math.ceil(self.n / PER_YEAR_MAX))
        last = self.as_of.year
        years = list(range(last - count + 1, last + 1))
        base, extra = divmod(self.n, count)
        # the remainder goes to the latest years (a programme that grows)
        return [(y, base + (1 if i >= count - extra else 0)) for i, y in enumerate(years)]

    def batches(self, year: int, count: int) -> list[tuple[date, date, int]]:
        """(published, deadline, size) for each batch of a year."""
        rng = self.rng
        k = max(1, min(12, round(count / 90)))
        last_year = year == self.as_of.year
        start = date(year, 2, 20)
        end = (self.as_of - timedelta(days=rng.randint(18, 28))) if last_year else date(year, 11, 20)
        if end <= start:
            start = date(year, 1, 5)
        span = (end - start).days
        days = sorted({start + timedelta(days=round(span * (i + 0.5) / k) + rng.randint(-6, 6)) for i in range(k)})
        if last_year:
            days[-1] = end  # the last batch is still open on the as-of date
        days = [min(max(d, date(year, 1, 3)), end) for d in days]
        sizes = [count // len(days) + (1 if i < count % len(days) else 0) for i in range(len(days))]
        out = []
        for d, size in zip(days, sizes):
            deadline = d + timedelta(days=rng.randint(40, 75))
            if last_year and d == end:
                deadline = max(deadline, self.as_of + timedelta(days=20))
            out.append((d, deadline, size))
        return out

    # -- one list

    def plan(self) -> list[Plan]:
        plans: list[Plan] = []
        for year, count in self.years():
            seq = 0
            batches = self.batches(year, count)
            for b, (published, deadline, size) in enumerate(batches, start=1):
                batch = Plan(name=f"{year}年度第{cn_number(b)}批", published=published, doc_number=None)
                for _ in range(size):
                    seq += 1
                    plans.append(self.plan_list(year, seq, batch, published, deadline))
        self.calibrate(plans)
        self.number(plans)
        return plans

    def title(self, vocab: dict) -> tuple[str, str, str]:
        """A title no other list has, with the object and technique it names."""
        rng = self.rng
        for attempt in range(60):
            obj, tech = rng.choice(vocab["objects"]), rng.choice(vocab["techs"])
            qual = rng.choice(QUALIFIERS) if rng.random() < 0.6 else ""
            suffix = rng.choice(SUFFIXES)
            both = tech
            if rng.random() < 0.3 or attempt > 20:
                tech2 = rng.choice(vocab["techs"])
                if tech2 != tech:
                    both = f"{tech}与{tech2}"
            title = f"{qual}{obj}{both}{suffix}"
            if title not in self.titles and len(title) <= 80:
                self.titles.add(title)
                return title, obj, tech
        raise SystemExit("gen_content: 词表不足以生成互不相同的项目名称")

    def plan_list(self, year: int, seq: int, batch: Plan, published: date, deadline: date) -> Plan:
        rng, orgs = self.rng, self.orgs
        industry = rng.choices(self.industries, self.weights)[0]
        vocab = INDUSTRIES[industry]
        list_id = f"{self.prefix}-{year}-{seq:03d}"
        roll = rng.random()
        if roll < 0.80:
            demander = orgs.local_firm(industry, rng.randrange(self.firm_pool))
        else:
            kind = "高校" if roll < 0.88 else "科研院所" if roll < 0.96 else "其他事业单位"
            demander = orgs.local_institution(kind, industry, rng.randrange(12))
        host = None
        if demander.kind != "企业" and rng.random() < 0.6:
            host = orgs.local_firm(industry, rng.randrange(self.firm_pool))
            while host.name == demander.name:
                host = orgs.local_firm(industry, rng.randrange(self.firm_pool))
        peers = []
        if demander.kind == "企业" and rng.random() < 0.35:
            for _ in range(rng.randint(1, 3)):
                peer = orgs.local_firm(industry, rng.randrange(self.firm_pool)).name
                if peer != demander.name and peer not in peers:
                    peers.append(peer)
        specs = rng.sample(vocab["indicators"], rng.randint(2, min(5, len(vocab["indicators"]))))
        indicators = [indicator_values(s, rng) for s in specs]
        to_solver = Decimal(rng.choice(range(int(self.min_wan), int(self.min_wan) + 501, 10)))
        if rng.random() < 0.15:
            to_solver += Decimal(rng.choice(("0.5", "2.5", "5", "7.5")))
        total = to_solver + Decimal(rng.choice((0, 20, 50, 80, 100, 150, 200, 300, 400)))
        if deadline > published + timedelta(days=14) and rng.random() < 0.2:
            deadline += timedelta(days=rng.choice((7, 14, 21, 28)))
        title, obj, tech = self.title(vocab)
        self.k += 1
        plan = Plan(id=list_id, year=year, seq=seq, k=self.k, batch=batch, industry=industry, vocab=vocab,
                    subfield=rng.choice(vocab["subfields"]), title=title, obj=obj, tech=tech, demander=demander, host=host,
                    host_in_list=host is not None, peers=peers, show_peers=bool(peers) and rng.random() < 0.5,
                    contact_name=rng.choice(SURNAMES) + ("老师" if demander.kind == "高校" else "工"),
                    contact_unit=rng.choice(("技术中心", "科技处", "研发部", "技术部", "科研管理部")),
                    contact_phone=f"0798-8{rng.randrange(200000, 999999):06d}",
                    contact_mail=f"{rng.choice(('jszx', 'kjc', 'yfb', 'rd', 'tech', 'kyglb'))}{rng.randrange(1, 99)}@example.com",
                    indicators=indicators, total=total, to_solver=to_solver, published=published,
                    deadline0=deadline, deadline=deadline, correction=None, notices=[], u=rng.random(),
                    text_seed=rng.getrandbits(48))
        self.plan_correction(plan)
        plan.awarded = self.awarded_branch(plan)
        plan.failed = self.failed_branch(plan)
        return plan

    def plan_correction(self, plan: Plan) -> None:
        rng = self.rng
        if spread(plan.k, CORRECT) >= CORRECTION_SHARE:
            return
        window = (plan.deadline0 - plan.published).days
        when = plan.published + timedelta(days=rng.randint(3, max(3, window - 5)))
        if when >= self.as_of:
            return
        roll = rng.random()
        if roll < 0.5:
            new = plan.deadline0 + timedelta(days=rng.choice((7, 14, 21, 28, 30)))
            plan.deadline = new
            c = dict(kind="deadline", fields=["deadline"], old=plan.deadline0, new=new)
        elif roll < 0.7:
            delta = Decimal(rng.choice((50, 100, 150, -50, -20)))
            if plan.total + delta < plan.to_solver:
                delta = -delta
            c = dict(kind="total", fields=["budget.total_wan"], old=plan.total, new=plan.total + delta)
        elif roll < 0.85:
            k = rng.randrange(len(plan.indicators))
            ind = plan.indicators[k]
            step = 10 ** -ind["dec"] * rng.choice((1, 2, 5, 10))
            new = round(ind["target"] - step if ind["better"] == "low" and ind["target"] - step > 0 else ind["target"] + step, ind["dec"])
            c = dict(kind="indicator", fields=["indicators.target", "targets"], index=k, old=ind["target"], new=new)
        else:
            c = dict(kind="problem", fields=["problem"])
        c["date"] = when
        plan.correction = c

    # -- the two ways a list can go: awarded (and as far as the as-of date allows) or 流榜

    def failed_branch(self, plan: Plan) -> list[Notice]:
        rng = self.rng
        when = plan.deadline + timedelta(days=rng.randint(20, 60))
        reason = rng.randrange(1 << 30)
        return [Notice("流榜", when, 1, received=rng.choice((0, 1, 1, 2, 3)), why=reason)]

    def awarded_branch(self, plan: Plan) -> list[Notice]:
        rng, orgs = self.rng, self.orgs
        out: list[Notice] = []
        award = plan.deadline + timedelta(days=rng.randint(20, 60))
        solvers = [orgs.solver(plan.industry, rng)]
        if spread(plan.k, RACE) < 0.15:  # 赛马制
            for _ in range(rng.randint(1, 2)):
                other = orgs.solver(plan.industry, rng)
                if other.name not in {s.name for s in solvers} and other.name != plan.demander.name:
                    solvers.append(other)
        solvers = [s for s in solvers if s.name != plan.demander.name] or [orgs.local_firm(plan.industry, self.firm_pool + 2000 + plan.seq)]
        needs_host = plan.demander.kind != "企业" and any(s.kind != "企业" or not s.local for s in solvers)
        host = plan.host
        if needs_host and host is None:
            host = orgs.local_firm(plan.industry, rng.randrange(self.firm_pool))
            if host.name == plan.demander.name:
                host = orgs.local_firm(plan.industry, self.firm_pool + 4000 + plan.seq)
        period_end = award + timedelta(days=rng.choice((4, 6, 6, 6, 9)))
        out.append(Notice("揭榜结果公示", award, 1, solvers=solvers, host=host if needs_host else None,
                          period=(award, period_end), received=len(solvers) + rng.randint(0, 5)))
        contract = period_end + timedelta(days=rng.randint(5, 30))
        if contract.month == 12 and contract.day > 20:
            contract += timedelta(days=15)
        project = contract + timedelta(days=rng.randint(1, 5))
        start = add_months(contract.replace(day=1), 1)
        end = add_months(start, 12 * self.period) - timedelta(days=1)
        cap = min(plan.to_solver * self.ratio, self.cap)
        if rng.random() < 0.75:
            subsidy = (cap * Decimal(str(rng.uniform(0.6, 1.0))) / 10).quantize(Decimal(1), ROUND_DOWN) * 10
        else:
            subsidy = (cap * Decimal(str(rng.uniform(0.5, 1.0)))).quantize(Decimal("0.1"), ROUND_DOWN)
        subsidy = max(min(subsidy, cap), Decimal(10))
        out.append(Notice("立项", project, 2, contract=contract, subsidy=subsidy, term=(start, end)))
        t1 = project + timedelta(days=rng.randint(10, 60))
        if t1.year != contract.year:
            t1 = date(contract.year, 12, rng.randint(28, 31))
        t1 = max(t1, project)
        amounts = [(subsidy * s).quantize(Decimal("0.0001"), ROUND_HALF_UP) for s in self.shares[:-1]]
        amounts.append(subsidy - sum(amounts))
        out.append(Notice("资金拨付", t1, STAGES["t1"], tranche=1, amount=amounts[0], subsidy=subsidy))
        midterm = add_months(start, rng.randint(16, 20)) + timedelta(days=rng.randint(0, 25))
        stop = spread(plan.k, STOP) < 0.12
        progress = rng.uniform(0.25, 0.5) if stop else rng.uniform(0.5, 0.85)
        out.append(Notice("中期评估", midterm, STAGES["中期评估"], conclusion="不再支持" if stop else "继续支持",
                          progress=progress))
        if stop:
            out.append(Notice("终止", midterm + timedelta(days=rng.randint(20, 50)), STAGES["终止"], why=rng.randrange(1 << 30)))
            return out
        out.append(Notice("资金拨付", midterm + timedelta(days=rng.randint(15, 45)), STAGES["t2"], tranche=2,
                          amount=amounts[1], subsidy=subsidy))
        term_end = end
        if spread(plan.k, EXTEND) < 0.15:
            months = rng.choice((3, 6, 6, 12))
            new_end = month_end(add_months(end, months))
            out.append(Notice("延期", end - timedelta(days=rng.randint(20, 70)), STAGES["延期"], old_end=end, new_end=new_end,
                              months=months, why=rng.randrange(1 << 30)))
            term_end = new_end
        applied = term_end + timedelta(days=rng.randint(1, 27))
        passed = spread(plan.k, FAIL_ACCEPT) >= 0.12
        completion = Decimal(rng.randint(80, 100) if passed else rng.randint(45, 79)) / 100
        acceptance = applied + timedelta(days=rng.randint(15, 50))
        out.append(Notice("验收", acceptance, STAGES["验收"], applied=applied, completion=completion,
                          conclusion="合格" if passed else "不合格", term_end=term_end))
        if passed:
            out.append(Notice("资金拨付", acceptance + timedelta(days=rng.randint(15, 40)), STAGES["t3"], tranche=3,
                              amount=amounts[2], subsidy=subsidy))
        return out

    def calibrate(self, plans: list[Plan]) -> None:
        """Which lists fail (流榜): the fewest, in the order of each list's own draw, that bring the tree
        to about TARGET_RATIO notices a list, counting only what happened by the as-of date."""
        as_of = self.as_of

        def seen(notices):
            return sum(1 for n in notices if n.date <= as_of)

        extra = sum(1 for p in plans if p.correction)
        awarded = [seen(p.awarded) for p in plans]
        failed = [seen(p.failed) for p in plans]
        total = sum(awarded) + extra
        goal = TARGET_RATIO * len(plans)
        order = sorted(range(len(plans)), key=lambda i: plans[i].u)
        chosen = set()
        for i in order:
            if total <= goal or len(chosen) >= 0.75 * len(plans):
                break
            total += failed[i] - awarded[i]
            chosen.add(i)
        for i, p in enumerate(plans):
            branch = p.failed if i in chosen else p.awarded
            p.notices = [n for n in branch if n.date <= as_of]
            if p.correction:
                p.notices.append(Notice("更正公告", p.correction["date"], 0))
            p.notices.sort(key=lambda n: (n.date, n.stage))
            for k, n in enumerate(p.notices, start=1):
                n.rid = f"{p.id}-R{k:02d}"
            del p.awarded, p.failed

    def number(self, plans: list[Plan]) -> None:
        """文号: one per batch and per notice other than 资金拨付, increasing through each year."""
        items = []
        batches = {}
        for p in plans:
            batches.setdefault(id(p.batch), p.batch)
            for n in p.notices:
                if n.kind != "资金拨付":
                    items.append((n.date, 1, n.rid, n))
        for b in batches.values():
            items.append((b.published - timedelta(days=self.rng.randint(2, 8)), 0, b.name, b))
        items.sort(key=lambda t: (t[0], t[1], t[2]))
        counters: dict[int, int] = {}
        for when, _, _, item in items:
            counters[when.year] = counters.get(when.year, 0) + self.rng.randint(1, 3)
            item.doc_number = f"{self.doc_prefix}〔{when.year}〕{counters[when.year]}号"


# ---------------------------------------------------------------- texts


def pick(rng: random.Random, options):
    return options[rng.randrange(len(options))]


SCALE = _w("规模持续扩大 已形成从原料到成品的较完整链条 是我市重点培育的优势产业 正处于转型升级的关键时期 近年来保持较快增长 "
           "集聚了一批骨干企业和配套企业")
GAP = ["与国内先进水平存在明显差距", "与国际同类产品相比仍有较大差距", "难以满足高端客户的验收要求", "距离行业标杆企业仍有不小差距",
       "已不能适应市场对高品质产品的需求"]
BOTTLENECK = ["已成为制约企业降本增效的突出瓶颈", "严重制约了产品向中高端市场延伸", "成为企业进一步扩大产能的主要障碍",
              "制约了企业实现“双碳”目标", "是全行业亟待突破的共性难题", "直接影响企业的市场竞争力和盈利水平"]
DRIVERS = ["消费升级", "国家“双碳”战略深入实施", "国产化替代进程加快", "行业标准不断提高", "数字化转型加速推进",
           "出口市场竞争日趋激烈", "下游客户集中度提高"]
OLD_METHODS = ["人工经验调控", "间歇式生产工艺", "进口成套装备", "传统离线抽检", "多步串联工艺", "高能耗的常规工艺", "半自动作业方式"]
STAGE_WORDS = _w("成型 烧成 装配 检测 纯化 放大生产 工艺控制 后处理 原料预处理 过程监测")
LINES = _w("生产线 中试线 自动化产线 主要生产装置 示范车间")
CATEGORY = ["我市{ind}行业共性关键技术", "行业“卡脖子”技术", "企业转型升级急需的关键核心技术", "{ind}产业链补链强链的关键环节",
            "省内尚未突破的关键技术"]
DIFFICULTIES = [
    "{f1}受{f2}影响波动大，批次稳定性差", "{t2}工艺窗口窄，放大生产后{a1}难以保持", "缺乏有效的在线检测手段，{d1}、{d2}等问题难以及时发现",
    "关键装备和核心部件依赖进口，调试和维护成本高", "{f1}与{f2}之间的耦合机理尚不清楚，工艺优化主要依靠反复试错",
    "现有材料和工艺体系难以同时满足{a1}和{a2}的要求", "生产过程数据分散，缺乏可用于工艺优化的数据基础",
    "{a1}与{a2}相互制约，提高一项往往以牺牲另一项为代价", "小试成果向规模化生产转化过程中{d1}问题突出",
    "环保排放要求不断收紧，现有末端治理方式运行成本高", "产品{d1}率偏高，每年因此造成的损失约{w}万元",
    "{t2}相关技术积累薄弱，企业自身研发力量难以独立攻克",
]
DIFF_INTROS = ["现有{t1}技术直接用于{o}存在{k}方面难题：", "攻关需重点解决以下{k}个难题：", "经企业技术中心和行业专家多次论证，主要技术难点包括：",
               "现有技术路线难以兼顾质量、成本和效率，突出表现在：", "从生产实际看，制约{o}质量提升的难点主要有{k}个："]
ORDINALS = ["一是", "二是", "三是", "四是"]
CAPABILITY = ["{e1}研发能力和工程化经验", "{e1}和{e2}领域科研积累", "{t1}方面成熟技术储备", "较强{e1}研发实力和中试条件"]
DELIVERABLE = ["可在需求方现有{line}上稳定量产的成套工艺", "具有自主知识产权的{o}{t1}技术和装备", "可复制推广的技术规范和示范{line}",
               "满足{s}要求的工程化解决方案"]


def problem_text(p: Plan, rng: random.Random, limit: int) -> str:
    v = p.vocab
    ind = p.indicators[0]
    cur = ind["current"]
    cur_text = show_value(cur, ind["unit"], ind["dec"]) if cur is not None else "尚属空白"
    o = p.obj if rng.random() < 0.8 else pick(rng, v["objects"])
    t1 = p.tech if rng.random() < 0.7 else pick(rng, v["techs"])
    firm = "需求方" if rng.random() < 0.5 or p.demander.kind != "企业" else p.demander.name
    intro = pick(rng, [
        f"{p.batch.name[:4]}年前后，我市{p.industry}产业{pick(rng, SCALE)}。{firm}现有{pick(rng, LINES)}{rng.randint(2, 12)}条，"
        f"年产{o}约{rng.randint(20, 900)}万件（套）。",
        f"{o}是{firm}的主导产品，近三年销售收入年均增长{rng.randint(6, 35)}%。",
        f"随着{pick(rng, DRIVERS)}，下游{pick(rng, v['scenarios'])}客户对{o}的{pick(rng, v['aspects'])}提出了更高要求。",
        f"{o}{t1}是{p.industry}领域公认的难点，国内同类企业普遍采用{pick(rng, OLD_METHODS)}。",
    ])
    status = (f"目前在{pick(rng, STAGE_WORDS)}环节，{ind['name']}{'长期停留在' if cur is not None else '的检测与控制'}{cur_text}"
              f"{'左右' if cur is not None else ''}，{pick(rng, GAP)}，{pick(rng, BOTTLENECK)}。")
    k = rng.randint(2, 4)
    (f1, f2), (a1, a2), (d1, d2) = rng.sample(v["factors"], 2), rng.sample(v["aspects"], 2), rng.sample(v["defects"], 2)
    slots = dict(f1=f1, f2=f2, t2=pick(rng, v["techs"]), a1=a1, a2=a2, d1=d1, d2=d2, w=rng.randint(30, 900))
    items = [s.format(**slots) for s in rng.sample(DIFFICULTIES, k)]
    head = pick(rng, DIFF_INTROS).format(t1=t1, o=o, k=cn_count(k))
    if rng.random() < 0.5:
        difficulties = head + "；".join(ORDINALS[i] + item for i, item in enumerate(items)) + "。"
    else:
        difficulties = head + "\n\n" + "\n".join(f"{i + 1}. {item}{'；' if i < k - 1 else '。'}" for i, item in enumerate(items))
    techs = [t1] + [t for t in rng.sample(v["techs"], 3) if t != t1][:2]
    call = (f"本需求（榜单编号{p.id}）拟面向全国征集具备{pick(rng, CAPABILITY).format(e1=pick(rng, v['expertise']), e2=pick(rng, v['expertise']), t1=t1)}"
            f"的团队，围绕{techs[0]}、{techs[1]}、{techs[2]}等方向开展攻关，形成"
            f"{pick(rng, DELIVERABLE).format(line=pick(rng, LINES), o=o, t1=t1, s=pick(rng, v['scenarios']))}。")
    category = f"该技术属于{pick(rng, CATEGORY).format(ind=p.industry)}，应用场景为{pick(rng, v['scenarios'])}等。"
    parts = [intro + status, difficulties, call + category]
    text = "\n\n".join(parts)
    while word_count(text) > limit and len(items) > 1:
        items.pop()
        difficulties = head + "；".join(ORDINALS[i] + item for i, item in enumerate(items)) + "。"
        text = "\n\n".join([intro + status, difficulties, call + category])
    if word_count(text) > limit:
        text = "\n\n".join([status, difficulties, call])
    return text


EXTRA_TARGETS = ["形成{o}{t}工艺规范{k}项", "建成示范{line}{j}条，连续稳定运行不少于{m}个月", "申请发明专利不少于{k}项，其中获得授权不少于{j}项",
                 "培养专业技术人才不少于{k}名", "形成企业标准{j}项，参与制定团体标准{j}项", "产品通过具有资质的第三方检测机构检测",
                 "关键工序国产化率达到{p}%以上"]
BOUNDARY = ["技术须适用于需求方现有{line}，不得依赖需求方另行购置大型专用装备", "原料以国内可稳定采购的为主，原料成本增幅不超过{p}%",
            "工艺须符合国家和地方最新环保、安全生产要求", "关键指标以具有资质的第三方检测报告为准",
            "改造调试期间影响现有生产线正常运行不超过{d}天", "核心软硬件优先采用国产产品"]


def target_item(ind: dict, value: float) -> str:
    unit, dec = ind["unit"], ind["dec"]
    shown = show_value(value, unit, dec)
    if ind["current"] is None:
        return f"{ind['name']}达到{shown}以上" if ind["better"] == "high" else f"{ind['name']}不高于{shown}"
    cur = show_value(ind["current"], unit, dec)
    return (f"{ind['name']}由目前的{cur}左右降至{shown}以下" if ind["better"] == "low"
            else f"{ind['name']}由目前的{cur}左右提高到{shown}以上")


def targets_text(p: Plan, rng: random.Random, limit: int, values: list[float]) -> str:
    site = pick(rng, ["需求方现有生产线", "需求方中试基地", "承接企业生产现场", "不少于1家本市企业"])
    intro = pick(rng, [f"攻关完成后，形成“{p.title}”成套技术，并在{site}完成中试和批量生产验证。主要技术指标如下：",
                       f"项目实施期内，突破“{p.title}”涉及的核心工艺，在{site}完成工程化验证。考核指标：",
                       f"围绕“{p.title}”，攻关须达到以下技术目标，并在{site}连续稳定运行{rng.randint(3, 12)}个月以上："])
    items = [target_item(ind, val) for ind, val in zip(p.indicators, values)]
    o, t = p.obj, p.tech
    for s in rng.sample(EXTRA_TARGETS, rng.randint(1, 3)):
        items.append(s.format(o=o, t=t, k=rng.randint(2, 6), j=rng.randint(1, 3), m=rng.randint(3, 12), p=rng.randint(60, 95),
                              line=pick(rng, LINES)))
    body = "\n".join(f"{i + 1}. {item}{'；' if i < len(items) - 1 else '。'}" for i, item in enumerate(items))
    bounds = rng.sample(BOUNDARY, rng.randint(1, 3))
    boundary = "边界条件：" + "；".join(b.format(line=pick(rng, LINES), p=rng.randint(5, 15), d=rng.randint(3, 15)) for b in bounds) + "。"
    text = f"{intro}\n\n{body}\n\n{boundary}"
    while word_count(text) > limit and len(bounds) > 1:
        bounds.pop()
        boundary = "边界条件：" + "；".join(b.format(line="生产线", p=10, d=7) for b in bounds) + "。"
        text = f"{intro}\n\n{body}\n\n{boundary}"
    return text if word_count(text) <= limit else f"{intro}\n\n{body}"


ECON = ["年新增销售收入约{x}万元", "年新增利税约{y}万元", "年节约生产成本约{z}万元", "新增产能约{c}万件（套）", "减少二氧化碳排放约{t}吨",
        "年节约标准煤约{u}吨", "产品合格率提升带来年增效益约{z}万元"]
SOCIAL = ["带动上下游配套企业协同发展，预计新增就业{j}人以上", "推动我市{ind}产业绿色低碳转型", "提升{city}{o}在国内外市场的竞争力",
          "填补省内{t}领域的技术空白", "为我市{ind}产业集群培育新的增长点"]
SPREAD = ["成果可通过技术许可、联合推广等方式向我市同行企业辐射", "形成的技术规范可为相关行业标准的制定提供依据",
          "项目建设的示范线可为同类企业改造提供样板", "项目培养的技术团队将长期服务我市{ind}企业"]


def benefits_text(p: Plan, rng: random.Random, limit: int) -> str:
    v = p.vocab
    econ = rng.sample(ECON, rng.randint(2, 4))
    values = dict(x=rng.randint(800, 20000), y=rng.randint(100, 3000), z=rng.randint(50, 1500), c=rng.randint(10, 500),
                  t=rng.randint(500, 20000), u=rng.randint(200, 8000))
    soc = rng.sample(SOCIAL, rng.randint(1, 2))
    slot = dict(j=rng.randint(20, 400), ind=p.industry, city=p.demander.city[:-1], o=pick(rng, v["objects"]), t=pick(rng, v["techs"]))
    who = "需求方" if rng.random() < 0.4 else p.demander.name
    text = (f"“{p.title}”成果在{who}转化后，预计{'、'.join(e.format(**values) for e in econ)}。"
            f"{'；'.join(s.format(**slot) for s in soc)}。{pick(rng, SPREAD).format(ind=p.industry)}。")
    while word_count(text) > limit and len(econ) > 1:
        econ.pop()
        text = f"“{p.title}”成果在{who}转化后，预计{'、'.join(e.format(**values) for e in econ)}。{soc[0].format(**slot)}。"
    return text


def requirements_text(p: Plan, rng: random.Random, reg_title: str) -> str:
    v = p.vocab
    e1, e2 = rng.sample(v["expertise"], 2)
    items = [
        pick(rng, [f"符合《{reg_title}》第五条规定的条件，不得为需求方的关联单位（第五条（一））。",
                   "符合管理办法第五条规定的条件，与需求方不存在控股、参股、同一实际控制人等关联关系（第五条（一））。"]),
        pick(rng, [f"近三年内无不良信用记录，在{e1}或{e2}领域具有较强的研发实力、科研条件和稳定的科研队伍，具有相关科研业绩的优先（第五条（二））。",
                   f"信用记录良好，近{rng.randint(3, 5)}年在{e1}领域承担过省部级以上科研项目或有同类技术产业化业绩（第五条（二））。"]),
        pick(rng, ["提出攻克关键核心技术的可行性方案，掌握或能够形成自主知识产权（第五条（三））。",
                   f"技术方案须针对{pick(rng, v['techs'])}等关键环节给出可行的技术路线，掌握或能够形成自主知识产权（第五条（三））。"]),
        pick(rng, ["具有成果转化的技术支撑队伍与相关经验，能协助需求方完成技术应用落地（第五条（四））。",
                   f"具备中试验证和成果转化能力，能派员驻厂{rng.randint(2, 12)}个月以上，配合需求方完成批量生产验证（第五条（四））。"]),
    ]
    if p.demander.kind != "企业":
        items.append(f"本项目属于非企业提出的行业共性技术类项目。揭榜单位为高校、科研院所或{p.demander.city}域外企业的，须至少确定1家"
                     f"{p.demander.city}域内有科研或承载科技成果转化能力的单位作为项目承接企业（第五条（五））。")
        if p.host_in_list:
            items.append(f"需求方建议{p.host.name}作为项目承接企业，揭榜方也可另行提出符合条件的市域内承接企业。")
    extras = [f"项目负责人须具有高级职称或博士学位，近五年主持过{e1}相关科研项目。", "可单独或联合其他单位揭榜；允许同一单位不同团队独立参与揭榜。",
              "鼓励产学研联合揭榜，牵头单位须具有独立法人资格。", f"揭榜团队中具有{e2}工程经验的成员不少于{rng.randint(2, 6)}人。"]
    items += rng.sample(extras, rng.randint(0, 2))
    items.append(f"申报材料须注明榜单编号{p.id}，并附可行性方案、团队情况和相关业绩证明。")
    return "\n".join(f"- {item}" for item in items)


def ip_text(p: Plan, rng: random.Random) -> str:
    a = rng.randint(40, 70)
    items = [
        pick(rng, ["依据管理办法第十条，需求方与揭榜方按照国家有关法律法规，在技术合同中约定知识产权的归属和分配。",
                   "按照管理办法第十条，知识产权归属和利益分配由双方在项目科技计划任务合同书和技术合同中约定。"]),
        pick(rng, ["项目执行期内产生的专利、技术秘密、软件著作权等知识产权，原则上由需求方与揭榜方共有；需求方享有在市域内的优先实施权。",
                   "项目形成的知识产权原则上归需求方所有，揭榜方享有署名权和非商业性研究使用权。",
                   f"项目形成的知识产权归揭榜方所有，需求方享有{rng.randint(3, 10)}年独占实施许可。"]),
        pick(rng, ["揭榜方在揭榜前已拥有的背景知识产权仍归揭榜方所有，并许可需求方为实施本项目成果使用。",
                   "双方各自的背景知识产权归原权利人所有，因实施项目需要使用的，在技术合同中约定许可方式和费用。"]),
        pick(rng, ["成果向第三方许可或转让的，收益分配比例在技术合同中约定。",
                   f"成果向第三方许可或转让的，收益按需求方{a}%、揭榜方{100 - a}%的比例分配。"]),
    ]
    if p.demander.kind != "企业":
        items.append("需求方作为共性技术需求提出单位，可将项目成果无偿用于教学和非营利性研究。")
    items.append(f"本榜单（{p.id}）项目形成的论文、专利等成果应标注“{p.demander.city}揭榜挂帅科技攻关项目”资助。")
    rng.shuffle(items[1:3])
    return "\n".join(f"- {item}" for item in items)


# ---------------------------------------------------------------- YAML, written by hand (fast, and laid out like the samples)

_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#]*$")


def q(value: str) -> str:
    if _PLAIN.match(value) and ": " not in value and not value.endswith((" ", ":")):
        return value
    return json.dumps(value, ensure_ascii=False)


def block(text: str, indent: str = "  ") -> str:
    return "|\n" + "".join(f"{indent}{line}\n" if line else "\n" for line in text.split("\n"))


class Writer:
    """Composes each record's text; checks that no long text is written twice."""

    def __init__(self, planner: Planner, seed: int):
        self.planner, self.seed = planner, seed
        reg = planner.reg
        self.limits = reg["text_limits"]["value"]
        self.reg_title = reg.get("title", "揭榜挂帅科技攻关项目管理办法")
        self.seen: set[int] = set()
        self.texts = 0

    def unique(self, *texts: str) -> None:
        for text in texts:
            h = hash(text)
            if h in self.seen:
                raise SystemExit(f"gen_content: 长文本重复（生成器缺陷）：{text[:60]}…")
            self.seen.add(h)
            self.texts += 1

    def list_yaml(self, p: Plan, corrected: bool, final: bool) -> bytes:
        rng = random.Random(p.text_seed)
        c = p.correction if corrected else None
        values = [ind["target"] for ind in p.indicators]
        if c and c["kind"] == "indicator":
            values[c["index"]] = c["new"]
        # room kept for the sentence a 更正 of the problem adds, so both revisions share the rest
        limit = self.limits["problem"] - (60 if p.correction and p.correction["kind"] == "problem" else 0)
        problem = problem_text(p, rng, limit)
        if c and c["kind"] == "problem":
            problem += f"\n\n（{cn_date(c['date'])}补充）{self.problem_addition(p)}。"
        targets = targets_text(p, rng, self.limits["targets"], values)
        benefits = benefits_text(p, rng, self.limits["benefits"])
        reqs = requirements_text(p, rng, self.reg_title)
        ip = ip_text(p, rng)
        if final:
            self.unique(problem, targets, benefits, reqs, ip)
        d = p.demander
        out = [HEADER.format(kind="list"), f"id: {p.id}\nbatch: {p.batch.name}\ndoc_number: {p.batch.doc_number}\n",
               f"industry: {p.industry}\nsubfield: {p.subfield}\ntitle: {q(p.title)}\n",
               f"demander:\n  name: {q(d.name)}\n  kind: {d.kind}\n  credit_code: \"{d.code}\"\n  county: {d.county}\n"]
        if p.host_in_list:
            h = p.host
            out.append(f"host_enterprise:\n  name: {q(h.name)}\n  credit_code: \"{h.code}\"\n  county: {h.county}\n")
        out.append(f"contact:\n  name: {p.contact_name}\n  unit: {q(d.name + p.contact_unit)}\n  phone: \"{p.contact_phone}\"\n"
                   f"  email: {p.contact_mail}\n")
        if p.peers:
            out.append("peers:\n" + "".join(f"  - {q(x)}\n" for x in p.peers) + f"show_peers: {'true' if p.show_peers else 'false'}\n")
        out.append(f"problem: {block(problem)}targets: {block(targets)}indicators:\n")
        for ind, value in zip(p.indicators, values):
            current, target = indicator_cells(dict(ind, target=value))
            out.append(f"  - name: {q(ind['name'])}\n    current: {q(current) if current else 'null'}\n    target: {q(target)}\n")
        total = c["new"] if c and c["kind"] == "total" else p.total
        out.append(f"budget:\n  total_wan: {fmt(total)}\n  to_solver_wan: {fmt(p.to_solver)}\n")
        out.append(f"benefits: {block(benefits)}period_years: {self.planner.period}\n")
        out.append(f"solver_requirements: {block(reqs)}ip_terms: {block(ip)}")
        deadline = p.deadline if corrected or not p.correction else p.deadline0
        out.append(f"published: {p.published.isoformat()}\ndeadline: {deadline.isoformat()}\n")
        if c:
            out.append(f"changes:\n  - date: {c['date'].isoformat()}\n    note: {q(self.change_note(p, c))}\n")
        return "".join(out).encode()

    def problem_addition(self, p: Plan) -> str:
        rng = random.Random(p.text_seed + 1)
        return (f"揭榜方案还应说明{pick(rng, p.vocab['aspects'])}方面的保障措施，并给出在{pick(rng, LINES)}上开展中试验证的"
                f"计划（不少于{rng.randint(2, 6)}个批次）")

    def change_note(self, p: Plan, c: dict) -> str:
        rid = next(n.rid for n in p.notices if n.kind == "更正公告")
        if c["kind"] == "deadline":
            what = f"更正揭榜截止日期：由{cn_date(c['old'])}延长至{cn_date(c['new'])}，原因是部分拟揭榜单位申请延长方案准备时间"
        elif c["kind"] == "total":
            what = f"更正预计项目经费：由{fmt(c['old'])}万元调整为{fmt(c['new'])}万元，原因是需求方调整了配套经费安排"
        elif c["kind"] == "indicator":
            ind = p.indicators[c["index"]]
            what = (f"更正技术指标“{ind['name']}”的目标值：由{show_value(c['old'], ind['unit'], ind['dec'])}更正为"
                    f"{show_value(c['new'], ind['unit'], ind['dec'])}，预期技术目标中的表述同步更正")
        else:
            what = "补充技术难题概述：揭榜方案还应说明保障措施和中试验证计划"
        return f"{what}，详见{rid}更正公告。"

    # -- notices

    def notice_yaml(self, p: Plan, n: Notice) -> bytes:
        rng = random.Random(p.text_seed ^ (n.stage * 7919 + n.date.toordinal()))
        title, body, fields = getattr(self, "_" + {"揭榜结果公示": "award", "立项": "project", "资金拨付": "tranche",
                                                    "中期评估": "midterm", "延期": "extension", "终止": "termination",
                                                    "验收": "acceptance", "更正公告": "correction", "流榜": "failed"}[n.kind])(p, n, rng)
        self.unique(body)
        out = [HEADER.format(kind="result"), f"id: {n.rid}\nlist: {p.id}\nkind: {n.kind}\ndate: {n.date.isoformat()}\n",
               f"title: {q(title)}\n"]
        if n.doc_number:
            out.append(f"doc_number: {n.doc_number}\n")
        out.append(f"body: {block(body)}{fields}")
        return "".join(out).encode()

    def _solvers(self, n: Notice) -> str:
        return "、".join(s.name for s in n.f["solvers"])

    def _transfer(self, p: Plan, rng) -> str:
        solvers = next((x.f["solvers"] for x in p.notices if x.kind == "揭榜结果公示"), [])
        if any(not s.local for s in solvers):
            return f"揭榜方为非本市境内法人单位，按第九条（七）规定，由{p.demander.name}按合同约定转付揭榜方。"
        return pick(rng, ["资金直接拨付至揭榜单位。", "资金由市财政局直接拨付至揭榜单位专账。"])

    def _award(self, p: Plan, n: Notice, rng):
        solvers, host = n.f["solvers"], n.f["host"]
        start, end = n.f["period"]
        lead = ("由需求方为主导并与市科技局、市财政局协商" if p.demander.kind == "企业"
                else "由市科技局为主导并商市财政局及项目委托单位")
        process = pick(rng, ["揭榜申报、对接洽谈、方案评审和综合考察", "形式审查、专家评审、现场考察和综合评议", "申报受理、对接洽谈、专家论证和现场答辩"])
        race = (f"，采取“赛马制”方式由{cn_count(len(solvers))}家单位分别开展攻关，中期评估后择优支持"
                if len(solvers) > 1 else "")
        host_text = (f"；揭榜单位为高校、科研院所或市域外企业，按第五条（五）规定确定{host.name}为项目承接企业" if host else "")
        body = (f"根据《{self.reg_title}》第九条（五）规定，本榜单共收到揭榜申报材料{n.f['received']}份，经{process}，{lead}，拟确定{self._solvers(n)}为“{p.title}”项目揭榜单位{race}{host_text}，现予以公示。"
                f"经核查，上述揭榜单位与技术需求方不存在关联关系（第五条（一））。\n\n公示期为{cn_date(start)}至{cn_date(end)}。"
                + pick(rng, ["公示期间，任何单位和个人对公示内容如有异议，请以书面形式向市科技局计划科反映，并提供必要的证明材料。"
                             "单位提出异议的须加盖公章，个人提出异议的须署真实姓名。",
                             "对公示内容有异议的，请在公示期内以书面形式实名向市科技局计划科提出，并附相关证明材料；匿名或逾期提出的不予受理。"])
                + pick(rng, ["驻市科技局纪检组对本次公示进行监督。", "", "公示结果将同时在市科技局门户网站发布。"]))
        fields = ["solvers:\n"]
        for s in solvers:
            fields.append(f"  - name: {q(s.name)}\n    kind: {s.kind}\n    credit_code: \"{s.code}\"\n    city: {s.city}\n"
                          "    related_to_demander: false\n")
        if host:
            fields.append(f"host_enterprise:\n  name: {q(host.name)}\n  credit_code: \"{host.code}\"\n")
        fields.append(f"notice_period:\n  start: {start.isoformat()}\n  end: {end.isoformat()}\n")
        phone = pick(rng, ["0798-8230012", "0798-8230016", "0798-8222222"])
        fields.append(f"objection_contact:\n  name: 市科技局计划科\n  phone: \"{phone}\"\n  email: jhk@example.gov.cn\n")
        return f"“{p.title}”揭榜结果公示", body, "".join(fields)

    def _project(self, p: Plan, n: Notice, rng):
        award = next(x for x in p.notices if x.kind == "揭榜结果公示")
        start, end = n.f["term"]
        s = n.f["subsidy"]
        body = (f"“{p.title}”项目揭榜结果公示期满无异议。经市科技局研究并商市财政局同意，该项目予以立项。{cn_date(n.f['contract'])}，"
                f"市科技局、{p.demander.name}与揭榜单位{self._solvers(award)}签订项目科技计划任务合同书（第九条（六）），"
                f"任务书执行期为{cn_date(start)}至{cn_date(end)}。\n\n财政科技专项资金资助{fmt(s)}万元，不高于榜单金额{fmt(p.to_solver)}万元的"
                f"{fmt(float(self.planner.ratio) * 100)}%，按第六条规定于任务书签订当年拨付50%、中期评估通过后拨付30%、验收合格后拨付20%。"
                + pick(rng, ["", f"需求方配套投入研发经费{fmt(p.total - p.to_solver)}万元以上。" if p.total > p.to_solver else "",
                             "项目实施情况纳入市科技局年度跟踪管理。"]))
        fields = (f"contract_date: {n.f['contract'].isoformat()}\nsubsidy_wan: {fmt(s)}\n"
                  f"term:\n  start: {start.isoformat()}\n  end: {end.isoformat()}\n")
        return f"“{p.title}”项目立项公告", body, fields

    def _tranche(self, p: Plan, n: Notice, rng):
        k, amount, s = n.f["tranche"], n.f["amount"], n.f["subsidy"]
        share = ("50%", "30%", "20%")[k - 1]
        why = {1: f"根据第六条规定和项目科技计划任务合同书约定，市财政局会同市科技局于任务书签订当年拨付“{p.title}”项目第一笔财政资助资金",
               2: f"“{p.title}”项目中期评估结论为继续支持。根据第六条规定，市财政局会同市科技局拨付第二笔财政资助资金",
               3: f"“{p.title}”项目已通过验收，结论为合格。根据第六条、第十五条规定，市财政局会同市科技局拨付剩余财政资助资金"}[k]
        body = (f"{why}{fmt(amount)}万元，占财政资助总额{fmt(s)}万元的{share}。" + ("至此，该项目财政资助资金已全部拨付完毕。" if k == 3 else "")
                + self._transfer(p, rng))
        return (f"“{p.title}”项目第{cn_number(k)}笔财政资助资金拨付公告", body,
                f"tranche: {k}\namount_wan: {fmt(amount)}\n")

    def _progress(self, p: Plan, share: float, rng) -> str:
        ind = pick(rng, p.indicators)
        cur = ind["current"] if ind["current"] is not None else ind["target"] * (0.3 if ind["better"] == "high" else 3)
        value = round(cur + (ind["target"] - cur) * share, ind["dec"])
        return f"{ind['name']}达到{show_value(value, ind['unit'], ind['dec'])}"

    def _midterm(self, p: Plan, n: Notice, rng):
        ok = n.f["conclusion"] == "继续支持"
        method = pick(rng, ["专家评议和现场考察相结合", "会议评审和现场核查相结合", "材料审查、现场考察和财务审计相结合"])
        detail = self._progress(p, n.f["progress"], rng)
        if ok:
            verdict = (f"专家组认为，项目已完成{pick(rng, p.vocab['techs'])}等阶段任务，{detail}，已申请发明专利{rng.randint(1, 4)}项，"
                       f"达到任务书确定的中期指标，经费使用规范。评估结论为继续支持。")
        else:
            verdict = (f"专家组认为，项目在{pick(rng, p.vocab['techs'])}方面进展迟缓，{detail}，与任务书确定的中期指标差距较大，"
                       f"且{pick(rng, ['核心团队人员变动较大', '关键技术路线未取得实质突破', '中试条件未能按期落实'])}。评估结论为不再支持。")
        body = (f"按照项目任务书确定的中期评估指标，市科技局组织专家，采取{method}的方式，对“{p.title}”项目开展中期评估（第七条）。{verdict}")
        return f"“{p.title}”项目中期评估结果公告", body, f"conclusion: {n.f['conclusion']}\n"

    def _extension(self, p: Plan, n: Notice, rng):
        cause = pick(rng, ["关键部件供货周期延长", "客户现场验证排期调整", "中试设备安装调试推迟", "原料供应商变更后需重新验证",
                           "第三方检测排期延后"])
        body = (f"“{p.title}”项目已通过中期评估。受{cause}等客观原因影响，{pick(rng, p.vocab['techs'])}的工程化验证无法在原执行期内完成。"
                f"揭榜方按第十一条规定提出延期申请，经市科技局审核同意，任务书执行期由{cn_date(n.f['old_end'])}延长至"
                f"{cn_date(n.f['new_end'])}，其他任务和考核指标不变。")
        reason = f"因{cause}等客观原因，项目任务无法按期完成，经市科技局审核同意延期{n.f['months']}个月继续实施（第十一条）。"
        return f"“{p.title}”项目延期公告", body, f"new_term_end: {n.f['new_end'].isoformat()}\nreason: {q(reason)}\n"

    def _termination(self, p: Plan, n: Notice, rng):
        cause = pick(rng, ["核心团队变动", "技术路线未取得突破", "中试条件无法落实", "需求方经营状况发生重大变化", "关键原料无法稳定供应"])
        body = (f"“{p.title}”项目中期评估结论为不再支持。揭榜方因{cause}等客观原因，经与需求方协商一致，申请终止项目实施。"
                "经市科技局审核同意，依据第七条、第十一条规定，该项目予以终止，不再拨付后续财政资金。"
                + pick(rng, ["已拨付资金由市科技局会同市财政局按照有关规定组织清算。", "已拨付资金的使用情况由市科技局组织专项审计。"]))
        reason = (f"中期评估结论为不再支持（第七条）；因{cause}等客观原因，项目任务无法按期按质完成，"
                  "经市科技局审核同意终止项目实施，不再进行财政资金支持（第十一条）。")
        return f"“{p.title}”项目终止公告", body, f"reason: {q(reason)}\n"

    def _acceptance(self, p: Plan, n: Notice, rng):
        ok = n.f["conclusion"] == "合格"
        completion = n.f["completion"]
        detail = self._progress(p, 1.0 + (0.05 if ok else -0.3), rng)
        body = (f"根据第十三条、第十四条规定，“{p.title}”项目揭榜方于{cn_date(n.f['applied'])}提出验收申请，市科技局组织专家召开"
                f"{pick(rng, ['现场验收会', '验收评审会', '会议验收并进行现场核查'])}。项目{detail}，申请发明专利{rng.randint(1, 6)}项。"
                + (f"经专家组评议，项目按照任务书要求完成主要任务及核心指标，任务完成比例为{fmt(completion * 100)}%，资金使用合理，验收结论为合格。"
                   if ok else
                   f"经专家组评议，项目任务完成比例为{fmt(completion * 100)}%，未达到第十四条规定的{fmt(self.planner.completion_min * 100)}%，"
                   "验收结论为不合格，不再拨付剩余财政资助资金。"))
        fields = f"applied: {n.f['applied'].isoformat()}\ncompletion: {fmt(completion)}\nconclusion: {n.f['conclusion']}\n"
        return f"“{p.title}”项目验收结果公告", body, fields

    def _correction(self, p: Plan, n: Notice, rng):
        c = p.correction
        if c["kind"] == "deadline":
            what = f"揭榜截止日期由{cn_date(c['old'])}更正为{cn_date(c['new'])}"
        elif c["kind"] == "total":
            what = f"预计项目经费由{fmt(c['old'])}万元更正为{fmt(c['new'])}万元，榜单金额{fmt(p.to_solver)}万元不变"
        elif c["kind"] == "indicator":
            ind = p.indicators[c["index"]]
            what = (f"技术指标“{ind['name']}”的目标值由{show_value(c['old'], ind['unit'], ind['dec'])}更正为"
                    f"{show_value(c['new'], ind['unit'], ind['dec'])}，预期技术目标相应条款同步更正")
        else:
            what = f"技术难题概述末尾补充“{self.problem_addition(p)}”一句"
        body = (f"现将“{p.title}”榜单（{p.id}，{p.batch.doc_number}）有关事项更正如下：{what}。榜单其他内容不变。"
                + pick(rng, ["由此给各有关单位带来的不便，敬请谅解。", "请各拟揭榜单位按更正后的内容准备申报材料。", ""]))
        reason = {"deadline": "应部分拟揭榜单位申请，为保证其有充足时间完成方案论证和材料准备，延长揭榜截止日期。",
                  "total": "需求方调整配套经费安排，预计项目经费相应调整，榜单金额不变。",
                  "indicator": "经需求方与行业专家再次论证，对技术指标目标值作相应调整。",
                  "problem": "需求方补充说明对揭榜方案的要求，便于揭榜方准确理解需求。"}[c["kind"]]
        fields = "".join(f"  - {f}\n" for f in c["fields"])
        return (f"关于更正“{p.title}”榜单有关事项的公告", body,
                f"target: {p.id}\nfields:\n{fields}reason: {q(reason)}\n")

    def _failed(self, p: Plan, n: Notice, rng):
        k = n.f["received"]
        if k == 0:
            why = "截至揭榜截止日期未收到揭榜申报材料"
            detail = pick(rng, ["未收到揭榜申报材料", "无单位提交揭榜申报材料"])
        else:
            art = pick(rng, ["（二）、（三）", "（二）", "（三）", "（三）、（四）"])
            why = f"截至揭榜截止日期收到{k}份揭榜申报材料，经专家评审均不符合第五条{art}规定的条件"
            detail = (f"共收到揭榜申报材料{k}份。经形式审查和专家评审，揭榜方案对{pick(rng, p.vocab['techs'])}等核心环节的技术路线论证不充分，"
                      f"不符合第五条{art}规定的条件")
        body = (f"“{p.title}”榜单于{cn_date(p.deadline)}揭榜截止，{detail}。本榜单无符合条件的揭榜单位，作流榜处理。"
                + pick(rng, ["需求方可在完善需求后参加以后年度的需求征集。", "市科技局将会同需求方研究调整需求内容后择机重新发布。", ""]))
        return f"“{p.title}”流榜公告", body, f"reason: {q(why + '，无符合条件的揭榜单位。')}\n"


# ---------------------------------------------------------------- the history


def epoch(day: date, hour: int) -> int:
    return int(datetime(day.year, day.month, day.day, hour, tzinfo=TZ).timestamp())


def build(n: int, out_dir: Path, seed: int, as_of: date) -> dict:
    started = time.perf_counter()
    reg_dir = REPO / "content" / "regulation"
    reg_files = sorted(reg_dir.glob("*.yaml"))
    regs = [(f, yaml.safe_load(f.read_text("utf-8"))) for f in reg_files]
    reg = max(regs, key=lambda r: str(r[1]["effective"]))[1]  # the numbers in force now
    planner = Planner(n, seed, as_of, reg)
    plans = planner.plan()
    writer = Writer(planner, seed)

    events = []
    for p in plans:
        events.append((p.published, 0, p.id, "L", p, None))
        if p.correction:
            events.append((p.correction["date"], 1, p.id, "C", p, None))
        for notice in p.notices:
            if notice.kind != "更正公告":
                events.append((notice.date, 2, notice.rid, "N", p, notice))
    events.sort(key=lambda e: (e[0], e[1], e[2]))

    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out_dir)], check=True)
    marker = out_dir / ".git" / "gen_content.json"  # marks the folder as ours, so a rerun may replace it
    marker.write_text(json.dumps({"incomplete": True}), "utf-8")
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=out_dir, stdin=subprocess.PIPE)
    stream = proc.stdin
    assert stream is not None
    state = dict(clock=0, commits=0, corrections=0, first=True)
    years_committed: set[int] = set()

    def commit(when: date, hour: int, message: str, files: list[tuple[str, bytes]]) -> None:
        ts = max(state["clock"] + 60, epoch(when, hour))
        state["clock"] = ts
        author = AUTHORS[state["commits"] % len(AUTHORS)]
        msg = message.encode()
        parts = [f"commit refs/heads/main\nauthor {author} {ts} +0800\ncommitter {author} {ts} +0800\ndata {len(msg)}\n".encode(),
                 msg, b"\n"]
        if state["first"]:
            for f, _ in regs:
                data = f.read_bytes()
                parts += [f"M 100644 inline content/regulation/{f.name}\ndata {len(data)}\n".encode(), data, b"\n"]
            state["first"] = False
        for path, data in files:
            parts += [f"M 100644 inline {path}\ndata {len(data)}\n".encode(), data, b"\n"]
        stream.write(b"".join(parts) + b"\n")
        state["commits"] += 1
        years_committed.add(datetime.fromtimestamp(ts, TZ).year)

    pending: list[tuple[str, bytes]] = []
    pending_last: date | None = None
    pending_counts = [0, 0]

    def flush() -> None:
        nonlocal pending, pending_last
        if pending:
            assert pending_last is not None
            lists, notices = pending_counts
            what = "、".join(x for x in (f"榜单{lists}项" if lists else "", f"公告{notices}项" if notices else "") if x)
            commit(pending_last, 9, f"{pending_last.year}年{pending_last.month}月：发布{what}", pending)
        pending, pending_last = [], None
        pending_counts[:] = [0, 0]

    notices_written = 0
    for when, _, _, what, p, notice in events:
        if pending_last is not None and (when.year, when.month) != (pending_last.year, pending_last.month):
            flush()
        if what == "L":
            pending.append((f"content/lists/{p.year}/{p.id}.yaml", writer.list_yaml(p, False, final=not p.correction)))
            pending_counts[0] += 1
            pending_last = when
        elif what == "N":
            pending.append((f"content/results/{p.year}/{notice.rid}.yaml", writer.notice_yaml(p, notice)))
            pending_counts[1] += 1
            notices_written += 1
            pending_last = when
        else:
            flush()
            c = p.correction
            fix = next(x for x in p.notices if x.kind == "更正公告")
            files = [(f"content/lists/{p.year}/{p.id}.yaml", writer.list_yaml(p, True, final=True)),
                     (f"content/results/{p.year}/{fix.rid}.yaml", writer.notice_yaml(p, fix))]
            notices_written += 1
            commit(when, 15, f"更正 {p.id}：{writer.change_note(p, c)}（{fix.rid}）", files)
            state["corrections"] += 1
    flush()
    stream.write(b"done\n")
    stream.close()
    if proc.wait() != 0:
        raise SystemExit("gen_content: git fast-import 失败")
    generated = time.perf_counter() - started
    subprocess.run(["git", "reset", "-q", "--hard"], cwd=out_dir, check=True)  # the working tree: a normal checkout
    kinds: dict[str, int] = {}
    for p in plans:
        for x in p.notices:
            kinds[x.kind] = kinds.get(x.kind, 0) + 1
    last_commit = datetime.fromtimestamp(state["clock"], TZ).date()
    meta = {"lists": len(plans), "notices": notices_written, "commits": state["commits"], "corrections": state["corrections"],
            "seed": seed, "as_of": as_of.isoformat(), "last_commit": last_commit.isoformat(),
            "years": [plans[0].year, plans[-1].year], "open_lists": sum(1 for p in plans if p.deadline >= last_commit),
            "kinds": kinds, "long_texts": writer.texts, "generate_s": round(generated, 2),
            "total_s": round(time.perf_counter() - started, 2)}
    marker.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    missing = set(range(meta["years"][0], meta["years"][1] + 1)) - years_committed
    if missing:
        raise SystemExit(f"gen_content: 这些年份没有提交：{sorted(missing)}")
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="number of lists")
    parser.add_argument("out_dir", type=Path, help="where to write (a new git repository holding content/)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF, help=f"the content's date (default {AS_OF})")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    years = max(MIN_YEARS, math.ceil(args.n / PER_YEAR_MAX))
    if args.as_of.year - years + 1 < 1900:
        parser.error("N too large")
    out = args.out_dir
    if out.exists() and any(out.iterdir()):
        if not (out / ".git" / "gen_content.json").is_file():
            print(f"gen_content: {out} exists and was not written by gen_content.py; refusing to overwrite it", file=sys.stderr)
            return 2
        shutil.rmtree(out)
    meta = build(args.n, out, args.seed, args.as_of)
    print(f"gen_content: {meta['lists']} lists, {meta['notices']} notices ({meta['notices'] / meta['lists']:.2f} a list), "
          f"{meta['commits']} commits ({meta['corrections']} corrections), {meta['years'][0]}–{meta['years'][1]}, "
          f"as of {meta['last_commit']}, {meta['total_s']:.1f} s (git checkout included) → {out}/content")
    return 0


if __name__ == "__main__":
    sys.exit(main())
