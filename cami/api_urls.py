"""The versioned REST API: every resource under /api/v1/. Path names are a public contract."""
from rest_framework.routers import DefaultRouter

from actionplans.api.views import ActionPlanViewSet, ActivityViewSet
from conservation_units.api.views import ConservationUnitViewSet, CountryViewSet

app_name = "api"

router = DefaultRouter()
router.register("plans", ActionPlanViewSet, basename="actionplan")
router.register("conservation-units", ConservationUnitViewSet, basename="conservationunit")
router.register("countries", CountryViewSet, basename="country")
router.register("activities", ActivityViewSet, basename="activity")

urlpatterns = router.urls
