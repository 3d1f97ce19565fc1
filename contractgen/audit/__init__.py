"""The lawyer's audit of the clause library: which issued documents carry a clause (impact.py, from the
manifests `build` writes beside every document), and what changed between two versions of the library
(diff.py, two folders or two git refs)."""
