/**
 * The refresh's artifacts in S3 (DESIGN "Data model": Step Functions payloads are capped at
 * 256 KB, so summaries and the fitted model travel by key). One JSON object per key under a
 * prefix; the bucket's lifecycle rule, not this code, expires old runs.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ArtifactNotFoundError, InvalidArtifactError, type RefreshArtifacts } from '../analytics/refresh/ports.js';

export class S3RefreshArtifacts implements RefreshArtifacts {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix = 'refresh/',
  ) {}

  async put(key: string, value: unknown): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: `${this.prefix}${key}`,
        Body: JSON.stringify(value),
        ContentType: 'application/json',
      }),
    );
  }

  async get(key: string): Promise<unknown> {
    let text: string | undefined;
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${key}` }),
      );
      text = await response.Body?.transformToString('utf8');
    } catch (error) {
      if (error instanceof NoSuchKey || (error instanceof Error && error.name === 'NoSuchKey'))
        throw new ArtifactNotFoundError(key);
      throw error;
    }
    if (text === undefined) throw new ArtifactNotFoundError(key);
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new InvalidArtifactError(key, `not JSON (${(error as Error).message})`);
    }
  }
}
