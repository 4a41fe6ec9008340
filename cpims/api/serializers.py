from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cpims.api.models import ApiToken


class ApiTokenSerializer(serializers.ModelSerializer):
    """An API token as listed: never its secret or hash, only the prefix that tells it apart."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    user = serializers.UUIDField(source="user.public_id", read_only=True, help_text=_("The user the token acts as."))
    username = serializers.CharField(source="user.username", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    is_active = serializers.BooleanField(read_only=True, help_text=_("Neither revoked nor expired."))

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "key_prefix",
            "user",
            "username",
            "created_by",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "is_active",
        ]
        read_only_fields = fields
