from rest_framework import viewsets

from conservation_units.filtersets import ConservationUnitFilterSet, CountryFilterSet
from conservation_units.models import ConservationUnit, Country

from .serializers import ConservationUnitSerializer, CountrySerializer


class ConservationUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Conservation units of the plans (Argali hotspots and populations, leopard regions). Filter: `plan`."""

    serializer_class = ConservationUnitSerializer
    filterset_class = ConservationUnitFilterSet

    def get_queryset(self):
        return ConservationUnit.objects.with_related().order_by("plan__slug", "number")


class CountryViewSet(viewsets.ReadOnlyModelViewSet):
    """Countries the plans name, by ISO 3166-1 alpha-2 code. Filter: `plan` (its range states)."""

    lookup_field = "code"
    serializer_class = CountrySerializer
    filterset_class = CountryFilterSet
    queryset = Country.objects.order_by("code")
