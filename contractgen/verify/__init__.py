"""`contractgen verify`: did the factory change the contract it sends back?

    returned.py   the returned DOCX, PDF text layer or scan (ocr.py) → lines of words
    reference.py  the contract rebuilt from its answers and the manifest's clause versions → lines, each
                  tagged with its article and clause
    text.py       both made comparable: OCR and layout noise out, one token stream per language
    compare.py    aligned per language (core/textdiff.py), every difference classified and ranked
    reread.py     a scan's differing lines read again by a second OCR engine, kept where it reads the contract
    report.py     text and JSON; redline.py: a DOCX with Word tracked changes
    run.py        the steps in order
"""
