"""The web page's own words, in English and Chinese.

Why a table here and not the gettext catalog in translations/: that catalog holds the captions printed
in the documents (labels.py copies them into every Document and its test checks them against the
.pot). These words are the page's buttons and hints, never printed in a contract; keeping each English
and Chinese pair on one line means a missing translation cannot happen (a pair is two strings or the
test fails), and no compile step stands between an edit and the page. The questions' own labels, help
and choices come from the interview files, never from here.
"""
from __future__ import annotations

from ..core.errors import Problem
from ..interview.definitions import Interview
from ..answers.messages_zh import expected_zh, found_zh, is_rule

UI: dict[str, tuple[str, str]] = {
    "app": ("contractgen", "contractgen 合同生成"),
    "tagline": ("Bilingual contract for your order: answers stay on this computer",
                "为您的订单生成中英双语合同：所有答案只保存在本机"),
    "language": ("Language", "语言"),
    "sections": ("Sections", "章节"),
    "review": ("Review and download", "检查与下载"),
    "load": ("Load an answers file", "载入答案文件"),
    "start_over": ("Start over", "全部重填"),
    "start_over_confirm": ("Forget every answer in this window and start again", "清除本窗口中的全部答案并重新开始"),
    "save": ("Save", "保存"),
    "save_next": ("Save and continue", "保存并继续"),
    "back": ("Back", "上一步"),
    "section_of": ("Section {n} of {total}", "第{n}节，共{total}节"),
    "required": ("required", "必填"),
    "choose": ("— choose —", "— 请选择 —"),
    "yes": ("Yes", "是"),
    "no": ("No", "否"),
    "empty_uses": ("Empty: uses {value}", "不填则使用：{value}"),
    "example": ("e.g. {value}", "例如：{value}"),
    "line": ("Line {n}", "第{n}行"),
    "add_line": ("Add a line", "添加一行"),
    "remove_line": ("Remove line {n}", "删除第{n}行"),
    "no_lines": ("No lines yet.", "尚无条目。"),
    "errors_here": ("{n} answer(s) on this page need fixing.", "本页有{n}处答案需要修改。"),
    "preview": ("Preview", "预览"),
    "document": ("Document", "文件"),
    "layout": ("Layout", "版式"),
    "show": ("Show", "显示"),
    "layout_parallel": ("English | Chinese side by side", "中英对照"),
    "layout_stacked": ("English, then Chinese", "先英文后中文"),
    "layout_en": ("English only", "仅英文"),
    "layout_zh": ("Chinese only", "仅中文"),
    "preview_missing": ("The preview appears once these answers are given or fixed:",
                        "以下答案填写或改正后即可预览："),
    "and_more": ("… and {n} more (see Review and download)", "……另有{n}项（见“检查与下载”）"),
    "preview_failed": ("The preview could not be built: {message}", "无法生成预览：{message}"),
    "preview_title": ("Preview of the document", "文件预览"),
    "problems": ("Answers to give or fix", "需要填写或修改的答案"),
    "no_problems": ("Every answer is valid.", "所有答案均有效。"),
    "risk": ("Pre-deposit risk summary", "付款前风险提示"),
    "risk_needs": ("The risk summary needs valid answers for the sales contract; fix the answers above first.",
                   "需先使销售合同的答案全部有效，才能生成风险提示；请先修改上面列出的答案。"),
    "verdict": ("Verdict", "结论"),
    "no_findings": ("The checks found no risk.", "检查未发现风险。"),
    "rating": ("{band} · score {score} = probability {p} × impact {i}", "{band} · {score}分 = 可能性{p} × 影响{i}"),
    "why": ("Why", "原因"),
    "fix": ("Fix", "对策"),
    "clauses": ("Clauses that address it", "相关合同条款"),
    "always": ("Before any payment, confirm the bank details by phone on a number you already had.",
               "任何付款之前，均应通过原已掌握的电话号码与卖方核实收款账户。"),
    "downloads": ("Downloads", "下载"),
    "answers_yaml": ("Answers file (YAML), to keep and to edit later", "答案文件（YAML），可保存并日后修改"),
    "answers_yaml_note": ("Always available, even when answers are missing: load it here again to go on.",
                          "即使答案尚未填完也可下载；日后在此载入即可继续填写。"),
    "build_note": ("The same as `contractgen build` of the answers file gives (layout: {layout}).",
                   "与对该答案文件运行 `contractgen build` 的结果相同（版式：{layout}）。"),
    "not_ready": ("{n} answer(s) missing or wrong for this document", "本文件尚有{n}处答案缺失或有误"),
    "pdf_note": ("PDFs are typeset from the same document and take under a second.", "PDF由同一文件排版生成，不到一秒。"),
    "building": ("Building the file… a PDF takes a few seconds, the whole set up to half a minute.",
                 "正在生成文件……PDF需要几秒钟，全套文件最长约需半分钟。"),
    "zip": ("The whole set as one zip: DOCX, PDF, manifests and the answers file",
            "全套文件打包下载（zip）：DOCX、PDF、清单文件及答案文件"),
    "zip_not_ready": ("The zip needs every document of the set to be ready.", "全套文件均可生成后方可打包下载。"),
    "load_intro": ("Choose an answers file (.yaml) saved earlier or written by hand; its answers replace those "
                   "in this window. Nothing leaves this computer.",
                   "选择之前保存或手工编写的答案文件（.yaml），其中的答案将替换本窗口中的答案。文件不会离开本机。"),
    "load_button": ("Load", "载入"),
    "load_failed": ("This file cannot be loaded:", "无法载入该文件："),
    "loaded": ("Loaded {file}.", "已载入 {file}。"),
    "loaded_problems": ("{n} answer(s) need fixing; they are marked in the sections.",
                        "有{n}处答案需要修改，已在各章节中标出。"),
    "unknown_fields": ("Fields this interview does not ask were kept as they are: {fields}",
                       "本问卷未涉及的字段已原样保留：{fields}"),
    "no_file": ("Choose a file first.", "请先选择文件。"),
    "too_large": ("That upload is too large: at most {size} KiB. An answers file is a few KiB.",
                  "上传的文件过大：最多{size} KiB。答案文件通常只有几KiB。"),
    "forbidden": ("This request was refused: it did not come from this page (a cross-site request), or the "
                  "page is too old. Reload the page and try again.",
                  "请求被拒绝：该请求并非来自本页面（跨站请求），或页面已过期。请刷新页面后重试。"),
    "bad_host": ("This server answers only to the address it was started on.", "本服务只响应启动时绑定的地址。"),
    "not_found": ("There is no such page.", "页面不存在。"),
    "go_back": ("Back to the interview", "返回问卷"),
    "problem": ("Expected {expected}; found {found}.", "应为{expected}；实际为{found}。"),
    "problem_required": ("This answer is required.", "此项必填。"),
    "problem_rule": ("{rule}; found {found}.", "{rule}（实际为{found}）。"),
    "saved": ("Saved interviews", "已保存的问卷"),
    "saved_intro": ("Answers are saved on this computer as you give them (in {folder}). Continue an interview, "
                    "or discard it.", "答案在填写过程中随时保存在本机（{folder}）。可继续填写某份问卷，或将其删除。"),
    "contract_number": ("Contract number", "合同编号"),
    "last_change": ("Last change", "最后修改时间"),
    "no_number": ("(no contract number yet)", "（尚未填写合同编号）"),
    "this_window": ("open in this window", "本窗口正在填写"),
    "continue": ("Continue", "继续填写"),
    "discard": ("Discard", "删除"),
    "discard_confirm": ("Delete this saved interview and all its answers from this computer?",
                        "确定从本机删除该份已保存的问卷及其全部答案？"),
    "unreadable": ("This saved interview cannot be read: {problem}", "无法读取该份已保存的问卷：{problem}"),
    "new_interview": ("Start a new interview", "开始新的问卷"),
    "session_lost": ("The interview this window was working on is no longer on this server (it was discarded, or "
                     "the server stopped before any answer of it was saved). No blank interview was put in its place: "
                     "choose a saved interview below, or start a new one.",
                     "本窗口正在填写的问卷已不在本服务器上（可能已被删除，或服务器在保存其任何答案之前已停止）。"
                     "系统未以空白问卷代替：请在下方选择已保存的问卷，或开始新的问卷。"),
    "session_gone": ("The interview of this window is no longer on this server, so this was not saved. Open the "
                     "start page to choose a saved interview.",
                     "本窗口的问卷已不在本服务器上，因此本次操作未保存。请打开首页选择已保存的问卷。"),
    "no_session": ("The interview opens only from its own pages: this request came from another site, or was not "
                   "a page load, so no interview was opened or changed.",
                   "问卷只能从其自身页面打开：本请求来自其他网站或并非页面加载，因此未打开或更改任何问卷。"),
    "js_hint": ("Answers are checked as you go; the preview follows.", "答案随填随检，预览同步更新。"),
}

LANGS = ("en", "zh")


def ui(key: str, lang: str, **values) -> str:
    text = UI[key][LANGS.index(lang)]
    return text.format(**values) if values else text


def problem_text(problem: Problem, lang: str, interview: Interview) -> str:
    """One problem as a sentence next to its field, in the page's language."""
    if problem.found == "nothing" and problem.expected.startswith("an answer"):
        return ui("problem_required", lang)
    if lang == "zh":
        found = found_zh(problem.found)
        if is_rule(problem, interview):
            return ui("problem_rule", lang, rule=expected_zh(problem, interview), found=found)
        return ui("problem", lang, expected=expected_zh(problem, interview), found=found)
    return ui("problem", lang, expected=problem.expected, found=problem.found)
