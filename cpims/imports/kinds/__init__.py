"""The kinds of bulk import (see ``base``); registered by ``ImportsConfig.connect``."""
