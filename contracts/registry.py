"""Every published event of every context: what the schema files and consumers know."""

from contracts.assistance.events import REGISTRY as ASSISTANCE
from contracts.feed.events import REGISTRY as FEED
from contracts.identity.events import REGISTRY as IDENTITY
from contracts.pharmacovigilance.events import REGISTRY as PHARMACOVIGILANCE
from contracts.ratings.events import REGISTRY as RATINGS
from contracts.surveys.events import REGISTRY as SURVEYS
from contracts.voices.events import REGISTRY as VOICES

ALL = (IDENTITY.merged(FEED).merged(PHARMACOVIGILANCE).merged(RATINGS).merged(VOICES)
       .merged(SURVEYS).merged(ASSISTANCE))
