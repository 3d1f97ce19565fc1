import sys

from .warm.client import main

sys.exit(main())
