"""Shared fixtures of the amur Python package's tests: the repository's paths, the CLI, and
texts the tests write (invented here, never taken from elsewhere)."""

import os
import random
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT / "corpora"
SAMPLES = sorted(p for p in CORPORA.iterdir() if (p / "zh.txt").exists())


def cli_path() -> Path:
    """The `amur` binary the CLI comparisons run: $AMUR_BIN or target/release/amur."""
    return Path(os.environ.get("AMUR_BIN", ROOT / "target" / "release" / "amur"))


@pytest.fixture(scope="session")
def amur_cli() -> Path:
    path = cli_path()
    if not path.exists():
        pytest.fail(f"{path} is missing: build the CLI first (cargo build --release)")
    return path


def run_cli(cli: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(cli), *map(str, args)], capture_output=True, text=True, check=True
    )


ZH_TEXT = """\
本馆新近收到一批旧茶庄的账簿，共计十二册。账簿记录了茶叶的收购、运输和出售。

第一册记载了光绪年间的交易。当时茶叶从汉口运往恰克图，再转运到莫斯科。每年春天，商队从汉口出发。

账簿的纸张已经发黄，部分页面有虫蛀的痕迹。修复工作将于明年完成，届时读者可以在阅览室查阅全部账簿。
"""

EN_TEXT = """\
The museum has recently received the account books of an old tea house, twelve volumes in all. The books record the purchase, transport and sale of tea.

The first volume records transactions of the Guangxu reign. At that time tea was shipped from Hankou to Kyakhta and then on to Moscow. Every spring the caravans set out from Hankou.

The paper of the books has yellowed, and some pages show traces of worm damage. The restoration will be finished next year, when readers will be able to consult all the books in the reading room.
"""

# Invented words for the long generated texts: (Chinese, English).
_PLACES = [("汉口", "Hankou"), ("恰克图", "Kyakhta"), ("伯力", "Khabarovsk"), ("黑河", "Heihe"),
           ("哈尔滨", "Harbin"), ("海兰泡", "Blagoveshchensk"), ("天津", "Tianjin"),
           ("上海", "Shanghai"), ("库伦", "Urga"), ("张家口", "Kalgan")]
_GOODS = [("茶叶", "tea"), ("丝绸", "silk"), ("棉布", "cotton cloth"), ("皮货", "furs"),
          ("瓷器", "porcelain"), ("大豆", "soybeans"), ("煤炭", "coal"), ("木材", "timber"),
          ("面粉", "flour"), ("药材", "medicinal herbs")]
_PEOPLE = [("商会", "the chamber of commerce"), ("海关", "the customs house"),
           ("铁路局", "the railway bureau"), ("领事馆", "the consulate"),
           ("银行", "the bank"), ("码头工人", "the dock workers"), ("县政府", "the county government")]
_ACTS = [("运出", "shipped out"), ("收到", "received"), ("登记", "registered"),
         ("检查", "inspected"), ("扣留", "detained"), ("出售", "sold")]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_ZH_DIGITS = "零一二三四五六七八九"


def _zh_number(n: int) -> str:
    """Chinese numerals for 1..99."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _ZH_DIGITS[ones]
    head = "" if tens == 1 else _ZH_DIGITS[tens]
    return head + "十" + (_ZH_DIGITS[ones] if ones else "")


def long_pair(sentences: int, seed: int = 7) -> tuple:
    """A long invented Chinese text and its English translation, one sentence a line
    (presegmented): trade records with varied places, goods, months and numbers; now and
    then a Chinese sentence is translated by two English ones."""
    rng = random.Random(seed)
    zh, en = [], []
    for _ in range(sentences):
        (pz, pe), (gz, ge), (wz, we), (az, ae) = (
            rng.choice(_PLACES), rng.choice(_GOODS), rng.choice(_PEOPLE), rng.choice(_ACTS))
        month, year, count = rng.randrange(12), rng.randrange(1900, 1931), rng.randrange(2, 99)
        zh.append(f"{year}年{_zh_number(month + 1)}月，{pz}的{wz}{az}{gz}{_zh_number(count)}车。")
        if rng.random() < 0.15:
            en.append(f"In {_MONTHS[month]} {year}, {we} at {pe} {ae} {ge}.")
            en.append(f"There were {count} wagons of it.")
        else:
            en.append(f"In {_MONTHS[month]} {year}, {we} at {pe} {ae} {count} wagons of {ge}.")
    return "\n".join(zh) + "\n", "\n".join(en) + "\n"
