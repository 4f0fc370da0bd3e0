import 'aws-sdk-client-mock-vitest/extend';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
