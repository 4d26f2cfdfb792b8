"""Case quality review (案件评查): a region reader scores an archived case file against the
checklist in workflows/review/checklist.yaml; the grades feed 以案定补 and the monthly
report's 评查通报."""
