"""API representations of accounts. No password, no session or device data."""

from __future__ import annotations

from rest_framework import serializers

from cpims.accounts.models import Assignment, User


class AssignmentSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="role.code", read_only=True)
    role_name = serializers.CharField(source="role.name", read_only=True)
    scope = serializers.CharField(source="role.scope", read_only=True)
    org_unit = serializers.UUIDField(source="org_unit.public_id", read_only=True)
    org_unit_code = serializers.CharField(source="org_unit.code", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)

    class Meta:
        model = Assignment
        fields = ["public_id", "role", "role_name", "scope", "org_unit", "org_unit_code", "org_unit_name"]
        read_only_fields = fields


class UserSerializer(serializers.ModelSerializer):
    assignments = AssignmentSerializer(source="active_assignments", many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "public_id",
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "preferred_language",
            "is_active",
            "deactivated_at",
            "assignments",
        ]
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(read_only=True)
    username = serializers.CharField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    preferred_language = serializers.CharField(read_only=True)
    assignments = AssignmentSerializer(many=True, read_only=True)
    permissions = serializers.ListField(child=serializers.CharField(), read_only=True)
    two_factor_enabled = serializers.BooleanField(read_only=True)
