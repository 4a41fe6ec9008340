#!/bin/sh
# compose.yaml's minio-init: the private bucket and the application's key, limited to that bucket.
# Idempotent: a second run changes nothing. Reads MINIO_ROOT_USER, MINIO_ROOT_PASSWORD,
# CPIMS_S3_BUCKET, CPIMS_S3_ACCESS_KEY_ID and CPIMS_S3_SECRET_ACCESS_KEY from the environment.
set -eu
mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "local/$CPIMS_S3_BUCKET"
mc anonymous set none "local/$CPIMS_S3_BUCKET"   # private: no object is readable without a key
cat > /tmp/cpims-policy.json <<POLICY
{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
   "Resource": ["arn:aws:s3:::$CPIMS_S3_BUCKET/*"]},
  {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
   "Resource": ["arn:aws:s3:::$CPIMS_S3_BUCKET"]}]}
POLICY
mc admin policy create local cpims-app /tmp/cpims-policy.json >/dev/null 2>&1 || true
mc admin user add local "$CPIMS_S3_ACCESS_KEY_ID" "$CPIMS_S3_SECRET_ACCESS_KEY"
mc admin policy attach local cpims-app --user "$CPIMS_S3_ACCESS_KEY_ID" >/dev/null 2>&1 || true
echo "bucket $CPIMS_S3_BUCKET ready"
