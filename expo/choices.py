"""Vocabularies shared by several apps (a job's minimum education and a talent's education...)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.TextChoices):
    INNOHK = "innohk", "InnoHK"
    INNOPARK = "innopark", "INNOPARK"
    SCIENCE_PARK = "science_park", _("Science Park")
    INNOCENTRE = "innocentre", "InnoCentre"
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    ENTRY = "entry", _("Entry level")
    MIDDLE = "middle", _("Middle level")
    SENIOR = "senior", _("Senior level")


class Education(models.TextChoices):
    SUB_DEGREE = "sub_degree", _("Sub-degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate")


class EmploymentType(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time")
    PART_TIME = "part_time", _("Part-time")
    CONTRACT = "contract", _("Contract")
    INTERNSHIP = "internship", _("Internship")
    PLACEMENT = "placement", _("Placement")


class Region(models.TextChoices):
    HONG_KONG = "hk", _("Hong Kong")
    GBA = "gba", _("Greater Bay Area (Mainland)")
    OVERSEAS = "overseas", _("Overseas")
