"""The import kinds: each app owns its resource (the file's columns); the organiser's imports
run them."""

from booths.resources import BoothResource, CompanyResource
from jobs.resources import JobResource

RESOURCES = {"companies": CompanyResource, "booths": BoothResource, "jobs": JobResource}
