"""`python -m bench` — run every benchmark (today: the case list)."""

import sys

from . import case_list


def main() -> int:
    return case_list.main()


if __name__ == "__main__":
    sys.exit(main())
