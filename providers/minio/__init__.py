"""MinIO resources over the minio SDK (official provider: pulumi-minio): buckets, IAM policies and users."""

from providers.minio.bucket import S3Bucket, S3BucketArgs
from providers.minio.connection import MinioConnection
from providers.minio.iam import IamPolicy, IamPolicyArgs, IamUser, IamUserArgs

__all__ = ["IamPolicy", "IamPolicyArgs", "IamUser", "IamUserArgs", "MinioConnection", "S3Bucket", "S3BucketArgs"]
