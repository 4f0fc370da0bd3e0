/** S3RefreshArtifacts with aws-sdk-client-mock: keys under the prefix, JSON bodies, missing keys. */
import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ArtifactNotFoundError, InvalidArtifactError } from '../../shared/analytics/refresh/ports.js';
import { S3RefreshArtifacts } from '../../shared/aws/refresh-artifacts.js';

const s3 = mockClient(S3Client);

/** The one method of the SDK's streaming body the adapter uses. */
function body(text: string): GetObjectCommandOutput['Body'] {
  return { transformToString: async () => text } as unknown as GetObjectCommandOutput['Body'];
}

describe('S3RefreshArtifacts', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('puts JSON under the refresh prefix', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const artifacts = new S3RefreshArtifacts(new S3Client({}), 'artifacts-bucket');

    // Act
    await artifacts.put('run-1/model.json', { a: 1 });

    // Assess
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'artifacts-bucket',
      Key: 'refresh/run-1/model.json',
      Body: '{"a":1}',
      ContentType: 'application/json',
    });
  });

  it('parses the object it gets', async () => {
    // Prepare
    s3.on(GetObjectCommand, { Bucket: 'artifacts-bucket', Key: 'refresh/run-1/model.json' }).resolves({
      Body: body('{"a":[1,2]}'),
    });
    const artifacts = new S3RefreshArtifacts(new S3Client({}), 'artifacts-bucket');

    // Act
    const value = await artifacts.get('run-1/model.json');

    // Assess
    expect(value).toEqual({ a: [1, 2] });
  });

  it('turns NoSuchKey into ArtifactNotFoundError naming the key', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));
    const artifacts = new S3RefreshArtifacts(new S3Client({}), 'artifacts-bucket');

    // Act / Assess
    await expect(artifacts.get('run-1/summary-2.json')).rejects.toThrow(
      new ArtifactNotFoundError('run-1/summary-2.json'),
    );
  });

  it('refuses an object that is not JSON', async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: body('not json') });
    const artifacts = new S3RefreshArtifacts(new S3Client({}), 'artifacts-bucket');

    // Act / Assess
    await expect(artifacts.get('run-1/model.json')).rejects.toThrow(InvalidArtifactError);
  });
});
