"""`contractgen interview`, driven as a person drives it: the real program in a pseudo-terminal
(pexpect), answered prompt by prompt from a table keyed by the answers path each prompt shows, with
wrong answers on purpose. Nothing here calls contractgen.terminal.interview's functions."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT

pexpect = pytest.importorskip("pexpect")
docx = pytest.importorskip("docx")

# every prompt ends "(answers.path) [default] > "; the review, the save question and the yes/no
# questions about blocks and list lines use the same shape with their own names
PROMPT = re.compile(r"\((?P<path>[\w.\[\]]+)\) (?:\[(?P<default>[^\r\n]*)\] )?> ")
HOSTILE = "{{ 7*7 }} <w:p>& mug"

# The order of examples/houseware-tooling.yaml, plus a second product line. A path not listed gets
# Enter (the default, or nothing); a list is consumed one reply per prompt, each reply optionally with
# the text the program must print in answer to it.
ANSWERS = {
    "contract.number": "SC-2026-0142",
    "contract.date": "2026-11-23",
    "contract.place_of_signing": [(b"\xff\xfeShenzhen", "not utf-8 text"), ("Shenzhen", None)],
    "contract.place_of_signing_zh": "深圳",
    "buyer.name_en": "Northwind Home Goods LLC",
    "buyer.name_zh": "北风家居有限公司",
    "buyer.address_en": [("A" * 5000, "expected at most 300 characters, found"),
                         ("1200 Harbor Ave, Seattle, WA 98101, USA", None)],
    "buyer.country": "us",
    # Ctrl-V Ctrl-A: how a control character gets into a line in a readline terminal (Ctrl-A alone moves home)
    "buyer.representative": [("Jane\x16\x01Doe", "without line breaks or control characters"), ("Jane Doe", None)],
    "buyer.email": "jane@northwind.example",
    "supplier.name_zh": "深圳市华信家居用品有限公司",
    "supplier.name_en": "Shenzhen Huaxin Houseware Co., Ltd.",
    "supplier.uscc": [("?", "www.gsxt.gov.cn"),
                      ("9144030071526726XA", "expected a valid Unified Social Credit Code"),
                      ("9144030071526726XG", None)],
    "supplier.address_zh": "广东省深圳市宝安区福永街道凤凰工业区3栋",
    "supplier.address_en": "Building 3, Fenghuang Industrial Zone, Fuyong, Bao'an District, Shenzhen, Guangdong, China",
    "supplier.legal_representative": "王伟",
    "supplier.contact.name": "Li Na",
    "supplier.contact.name_zh": "李娜",
    "supplier.contact.email": "lina@huaxin.example",
    "supplier.contact.phone": "+86 755 2760 1234",
    "supplier.bank.beneficiary": "深圳市华信家居用品有限公司",
    "supplier.bank.bank_name": "中国银行深圳宝安支行 Bank of China, Shenzhen Bao'an Sub-branch",
    "supplier.bank.account": "7456 2011 0098 4412",
    "supplier.bank.swift": "BKCHCNBJ45A",
    "products[0].sku": "NW-BOT-500",
    "products[0].description_en": "500 ml vacuum insulated bottle",
    "products[0].description_zh": "500毫升真空保温瓶",
    "products[0].specification_en": "304 stainless steel, 0.5 mm wall, powder coated, Pantone 2955 C",
    "products[0].specification_zh": "304不锈钢，壁厚0.5毫米，喷粉涂层，颜色潘通2955 C",
    "products[0].quantity": "5000",
    "products[0].unit_price": "3.20",
    "products[0].hs_code": "9617.00",
    "products[1]": "y",  # add another line?
    "products[1].sku": "NW-MUG-350",
    "products[1].description_en": HOSTILE,
    "products[1].description_zh": "350毫升杯",
    "products[1].quantity": "2000",
    "products[1].unit_price": "2.10",
    "payment.deposit_percent": [("120", "expected a number from 0 to 100, found 120"), ("30", None)],
    "payment.deposit_kind": "1",  # menu number: advance
    "delivery.incoterm": "9",  # menu number: FOB
    "delivery.named_place": "Yantian Port, Shenzhen",
    "delivery.named_place_zh": "深圳盐田港",
    "delivery.ship_by": "2027-02-15",
    "tooling": "y",
    "tooling.description_en": "Two injection moulds for the bottle lid and one powder-coating fixture",
    "tooling.description_zh": "瓶盖注塑模具两套及喷粉治具一套",
    "tooling.cost": "4500",
    "tooling.paid_by": "buyer",
    "tooling.marking": "Property of Northwind Home Goods LLC / 北风家居有限公司所有",
    "packaging": "n",
    "confidentiality.liquidated_damages": "50000",
    "dispute.forum": "prc_court",  # hides the seat, arbitrators and language
}

# the same answers without the wrong ones (whose messages are checked in English)
RIGHT = {path: reply[-1][0] if isinstance(reply, list) else reply for path, reply in ANSWERS.items()}


def spawn(tmp_path, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1", LANG="C.UTF-8", LC_ALL="C.UTF-8", TERM="dumb")
    child = pexpect.spawn(sys.executable, ["-m", "contractgen", "interview", *args], cwd=str(tmp_path), env=env,
                          encoding="utf-8", codec_errors="replace", timeout=30, dimensions=(50, 200))
    child.delaybeforesend = None  # the terminal buffers what is typed ahead; no need to wait 50 ms a line
    return child


def send(child, reply) -> None:
    if isinstance(reply, bytes):
        os.write(child.child_fd, reply + b"\n")
    else:
        child.sendline(reply)


def drive(child, answers: dict, until: str = "review") -> list[str]:
    """Answer prompts from `answers` until the prompt named `until`; the paths prompted, in order."""
    queue = {path: list(reply) if isinstance(reply, list) else [(reply, None)] for path, reply in answers.items()}
    prompted: list[str] = []
    while True:
        child.expect(PROMPT)
        path = child.match.group("path")
        if path == until:
            return prompted
        prompted.append(path)
        assert prompted.count(path) <= 4, f"{path} asked again and again:\n{child.before[-600:]}"
        reply, printed = queue[path].pop(0) if queue.get(path) else ("", None)
        send(child, reply)
        if printed:
            child.expect(re.escape(printed))


def review_number(listing: str, label: str) -> tuple[str, str]:
    """The number and value of the review line `label: value`."""
    match = re.search(rf"(\d+)\. {re.escape(label)}: ([^\r\n]*)", listing)
    assert match, f"no review line for {label!r} in:\n{listing}"
    return match.group(1), match.group(2)


def finish(child) -> tuple[str, str]:
    """From the review prompt: Enter, then the risk summary, then save. Returns what was printed:
    the summary, and the lines after saving."""
    child.sendline("")
    child.expect(r"\(save\) \[yes\] > ")
    summary = child.before
    child.sendline("")
    child.expect("Saved the answers to")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return summary, child.before


def docx_text(folder) -> str:
    (path,) = folder.glob("*.docx")
    return "".join(docx.Document(str(path)).element.body.itertext())


def test_a_full_interview_with_wrong_answers_builds_what_was_typed(tmp_path):
    child = spawn(tmp_path, "sales_contract", "-o", "order.yaml")
    child.expect(r"── Section 1 of 20: Contract details ──")
    prompted = drive(child, ANSWERS)

    assert "quality.inspection_level" in prompted  # shown: the inspection is by a third party
    assert not {"dispute.seat", "dispute.arbitrators", "dispute.language"} & set(prompted)  # hidden by prc_court
    assert prompted.index("products[1].sku") < prompted.index("products[2]") < prompted.index("payment.deposit_percent")
    assert "tooling.return_within_days" in prompted and "packaging.description_en" not in prompted

    listing = child.before
    assert review_number(listing, "Deposit (% of the contract price)")[1] == "30"
    assert review_number(listing, "Delivery term (Incoterms 2020)")[1].startswith("FOB")
    assert review_number(listing, "Products 2 · Product name (English)")[1] == HOSTILE
    assert review_number(listing, "Buyer's address in Chinese (optional)")[1].endswith("(same as buyer.address_en)")

    # change the forum in the review: the arbitration questions it now shows are asked
    number, value = review_number(listing, "Where disputes are decided")
    assert value == "People's court at the seller's domicile"
    child.sendline(number)
    child.expect(r"\(dispute\.forum\) \[prc_court\] > ")
    child.sendline("cietac")
    newly = drive(child, {"dispute.seat_zh": "北京"})
    assert newly == ["dispute.seat", "dispute.seat_zh", "dispute.arbitrators", "dispute.language"]
    assert review_number(child.before, "Seat of arbitration (city)")[1] == "Beijing"

    summary, after = finish(child)
    assert "pre-deposit risk summary" in summary and "Verdict: " in summary
    # every document the sales contract's answers cover (library.definitions.documents_for), sales contract first
    docs = "sales_contract,error_response_plan,nnn,po_annex,predeposit_checklist,qc_checklist,technical_annex"
    assert f"answers are valid for {docs.replace(',', ', ')}." in summary
    assert f"contractgen check order.yaml --docs {docs}" in after
    assert f"contractgen build order.yaml --docs {docs} -o out/" in after

    saved = yaml.safe_load((tmp_path / "order.yaml").read_text(encoding="utf-8"))
    assert saved["payment"]["deposit_percent"] == 30 and saved["delivery"]["incoterm"] == "FOB"
    assert saved["dispute"] == {"forum": "cietac", "seat": "Beijing", "seat_zh": "北京", "arbitrators": 1,
                                "language": "zh", "nnn_forum": "prc_court"}
    assert [p["sku"] for p in saved["products"]] == ["NW-BOT-500", "NW-MUG-350"]
    assert "address_zh" not in saved["buyer"] and "packaging" not in saved

    built = subprocess.run([sys.executable, "-m", "contractgen", "build", "order.yaml", "-o", "out"], cwd=tmp_path,
                           env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    text = docx_text(tmp_path / "out")
    for typed in ("SC-2026-0142", "Northwind Home Goods LLC", "深圳市华信家居用品有限公司", "9144030071526726XG",
                  "NW-MUG-350", HOSTILE, "Yantian Port, Shenzhen", "Property of Northwind Home Goods LLC"):
        assert typed in text, typed


def test_ctrl_c_saves_the_answers_and_resume_finishes(tmp_path):
    child = spawn(tmp_path, "sales_contract", "-o", "order.yaml")
    drive(child, ANSWERS, until="products[0].quantity")
    child.sendintr()
    child.expect(r"Saved the answers given so far \(30\) to order\.yaml")  # 25 before the products, 5 of line 1
    child.expect(r"contractgen interview sales_contract --resume order\.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in child.before
    partial = yaml.safe_load((tmp_path / "order.yaml").read_text(encoding="utf-8"))
    assert partial["products"][0]["sku"] == "NW-BOT-500" and "quantity" not in partial["products"][0]
    assert partial["supplier"]["uscc_override_reason"] is None  # asked and left empty: not asked again

    child = spawn(tmp_path, "sales_contract", "--resume", "order.yaml")
    child.expect(r"Continuing order\.yaml: 30 answer\(s\) kept\.")
    prompted = drive(child, ANSWERS)
    assert prompted[0] == "products[0].quantity"  # straight on from where Ctrl-C stopped
    assert "products[1].sku" in prompted and "contract.number" not in prompted
    finish(child)
    saved = yaml.safe_load((tmp_path / "order.yaml").read_text(encoding="utf-8"))
    assert saved["products"][0]["quantity"] == 5000 and saved["tooling"]["owner"] == "buyer"
    checked = subprocess.run([sys.executable, "-m", "contractgen", "check", "order.yaml"], cwd=tmp_path,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True, timeout=60)
    # valid answers; nothing about the supplier was verified, so the verdict is "do not pay yet" (exit 3)
    assert checked.returncode == 3 and "Not verified (no answer given)" in checked.stdout, checked.stdout + checked.stderr


def test_chinese_prompts(tmp_path):
    child = spawn(tmp_path, "sales_contract", "--lang", "zh", "-o", "order.yaml")
    child.expect("── 第1部分（共20部分）：合同基本信息 ──")
    child.expect("合同编号")
    child.expect(PROMPT)
    child.sendline("?")
    child.expect("本订单的编号")
    child.sendline("SC-1")
    child.expect(r"\(contract\.date\) > ")
    child.sendline("2026-13-45")
    child.expect("应为：日期（YYYY-MM-DD）；实际为：'2026-13-45'")
    drive(child, RIGHT, until="products[0].unit_price")
    child.sendline("3,20")  # a decimal comma: refused, and said so in Chinese
    child.expect(re.escape("应为：使用小数点的数字，逗号只能用于每三位数字之间（如1,234.50）；"
                           "实际为：'3,20'：这是小数逗号吗？请写作3.20"))
    child.expect(r"\(products\[0\]\.unit_price\) > ")
    child.sendline("3.20")
    drive(child, RIGHT, until="payment.deposit_kind")
    assert "该笔款项的法律性质（预付款或定金）" in child.before and "1) advance — 预付款" in child.before
    child.sendline("2")  # earnest money, but the deposit is 30 %: the deposit is asked again, in Chinese
    child.expect("定金不得超过合同总价的20%")
    child.expect(r"\(payment\.deposit_percent\) \[30\] > ")
    child.sendintr()
    child.expect("已中止")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_an_existing_file_is_not_replaced(tmp_path):
    (tmp_path / "order.yaml").write_text("contract: {number: X}\n", encoding="utf-8")
    child = spawn(tmp_path, "sales_contract")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "--resume" in child.before and (tmp_path / "order.yaml").read_text() == "contract: {number: X}\n"


LEFT, UP, BACKSPACE = "\x1b[D", "\x1b[A", "\x7f"


def test_line_editing_and_history(tmp_path):
    """Arrow keys edit the line (readline), and Up brings back an earlier line to fix it."""
    child = spawn(tmp_path, "sales_contract", "-o", "order.yaml")
    child.expect(r"\(contract\.number\) > ")
    child.send("SC-2026-142" + LEFT * 3 + "0\r")  # a missing digit, put in the middle of the line
    child.expect(r"\(contract\.date\)[^\r\n]*> ")
    child.send("2026-11-31\r")  # 31 November: refused and asked again
    child.expect("expected")
    child.expect(r"\(contract\.date\)[^\r\n]*> ")
    child.send(UP + BACKSPACE * 2 + "23\r")  # the refused line, recalled and corrected
    child.expect(r"\(contract\.place_of_signing\)[^\r\n]*> ")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, child.before
    saved = yaml.safe_load((tmp_path / "order.yaml").read_text(encoding="utf-8"))
    assert saved["contract"]["number"] == "SC-2026-0142"
    assert str(saved["contract"]["date"]) == "2026-11-23"
