"""The commitment schemes and the GBF targets as ``fixtures/commitments.json`` holds them
(``build_plan_fixtures`` writes it; ``load_plans`` loads it before the plans).

- ``cami-pow``: its items are the numbers the plans print (``Activity.cami_pow``), made when a plan is
  loaded or imported, each titled with its number: the plans print no titles and none is invented here.
- ``cms``: no items; the Secretariat enters the Resolutions and Decisions it tags activities with.
- ``gbf``: the 23 targets of the Kunming-Montreal Global Biodiversity Framework (CBD Decision 15/4),
  each with its number and the short title the CBD gives it (https://www.cbd.int/gbf/targets/).
"""
from __future__ import annotations

SCHEMES = (
    ("cami-pow", "CAMI Programme of Work",
     "Activities of the Programme of Work of the CMS Central Asian Mammals Initiative (Resolution 11.24 "
     "(Rev.COP13)), as the plans cite them."),
    ("cms", "CMS Resolutions and Decisions",
     "Resolutions and Decisions of the Conference of the Parties to the Convention on Migratory Species, "
     "entered by the Secretariat."),
    ("gbf", "Kunming-Montreal Global Biodiversity Framework",
     "The 23 action-oriented global targets for 2030 (CBD Decision 15/4)."),
)

GBF_TARGETS = (
    ("1", "Plan and Manage all Areas To Reduce Biodiversity Loss"),
    ("2", "Restore 30% of all Degraded Ecosystems"),
    ("3", "Conserve 30% of Land, Waters and Seas"),
    ("4", "Halt Species Extinction, Protect Genetic Diversity, and Manage Human-Wildlife Conflicts"),
    ("5", "Ensure Sustainable, Safe and Legal Harvesting and Trade of Wild Species"),
    ("6", "Reduce the Introduction of Invasive Alien Species by 50% and Minimize Their Impact"),
    ("7", "Reduce Pollution to Levels That Are Not Harmful to Biodiversity"),
    ("8", "Minimize the Impacts of Climate Change on Biodiversity and Build Resilience"),
    ("9", "Manage Wild Species Sustainably To Benefit People"),
    ("10", "Enhance Biodiversity and Sustainability in Agriculture, Aquaculture, Fisheries, and Forestry"),
    ("11", "Restore, Maintain and Enhance Nature's Contributions to People"),
    ("12", "Enhance Green Spaces and Urban Planning for Human Well-Being and Biodiversity"),
    ("13", "Increase the Sharing of Benefits From Genetic Resources, Digital Sequence Information and "
           "Traditional Knowledge"),
    ("14", "Integrate Biodiversity in Decision-Making at Every Level"),
    ("15", "Businesses Assess, Disclose and Reduce Biodiversity-Related Risks and Negative Impacts"),
    ("16", "Enable Sustainable Consumption Choices To Reduce Waste and Overconsumption"),
    ("17", "Strengthen Biosafety and Distribute the Benefits of Biotechnology"),
    ("18", "Reduce Harmful Incentives by at Least $500 Billion per Year, and Scale Up Positive Incentives for "
           "Biodiversity"),
    ("19", "Mobilize $200 Billion per Year for Biodiversity From all Sources, Including $30 Billion Through "
           "International Finance"),
    ("20", "Strengthen Capacity-Building, Technology Transfer, and Scientific and Technical Cooperation for "
           "Biodiversity"),
    ("21", "Ensure That Knowledge Is Available and Accessible To Guide Biodiversity Action"),
    ("22", "Ensure Participation in Decision-Making and Access to Justice and Information Related to "
           "Biodiversity for all"),
    ("23", "Ensure Gender Equality and a Gender-Responsive Approach for Biodiversity Action"),
)


def commitments_fixture() -> list[dict]:
    """The schemes, then the GBF targets, by natural key (no database ids)."""
    from actionplans.commitments import natural_sort_key

    objects = [{"model": "actionplans.commitmentscheme", "fields": {"slug": slug, "title": title,
                                                                    "description": description}}
               for slug, title, description in SCHEMES]
    objects += [{"model": "actionplans.commitmentitem", "fields": {
        "scheme": ["gbf"], "code": code, "title": title, "sort_key": natural_sort_key(code)}}
        for code, title in GBF_TARGETS]
    return objects
