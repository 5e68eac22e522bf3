from rest_framework import serializers

from conservation_units.models import ConservationUnit, Country


class CountrySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:country-detail", lookup_field="code")

    class Meta:
        model = Country
        fields = ["id", "url", "code", "name"]


class ConservationUnitSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:conservationunit-detail")
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    countries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    activity_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ConservationUnit
        fields = [
            "id", "url", "plan", "number", "name", "kind", "hotspot_id", "subspecies", "geographic_area",
            "countries_as_printed", "countries", "activity_count",
        ]
