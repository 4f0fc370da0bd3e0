// One function's sandbox, as the Lambda Node.js runtime runs it: a process of its own whose
// environment is the function's, which imports the bundle named by the handler setting
// (`index.handler` → ./index.mjs, export `handler`) once at init, then takes invocations one at
// a time over IPC. Plain JavaScript on purpose: nothing here is compiled, only the bundle runs.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const taskRoot = process.env.LAMBDA_TASK_ROOT;
const [file, exportName] = (process.env._HANDLER ?? '').split('.');

function describe(error) {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { name: 'Error', message: String(error) };
}

let handler;
try {
  const module = await import(pathToFileURL(join(taskRoot, `${file}.mjs`)).href);
  handler = module[exportName];
  if (typeof handler !== 'function') throw new TypeError(`${file}.${exportName} is not a function`);
} catch (error) {
  // Lambda's Runtime.ImportModuleError: the function never answers an invocation.
  process.send({ type: 'init-error', error: describe(error) }, () => process.exit(1));
}

if (handler) {
  let busy = Promise.resolve();
  process.on('message', (message) => {
    if (message?.type !== 'invoke') return;
    // One invocation at a time per sandbox, as in Lambda; concurrency means more sandboxes.
    busy = busy.then(async () => {
      const deadline = Date.now() + message.timeoutMs;
      const context = {
        callbackWaitsForEmptyEventLoop: true,
        functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
        functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
        invokedFunctionArn: message.functionArn,
        memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
        awsRequestId: message.requestId,
        logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
        logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
        done: () => undefined,
        fail: () => undefined,
        succeed: () => undefined,
      };
      try {
        const result = await handler(message.event, context);
        process.send({ type: 'result', id: message.id, result: result === undefined ? null : result });
      } catch (error) {
        process.send({ type: 'error', id: message.id, error: describe(error) });
      }
    });
  });
  process.send({ type: 'ready' });
}
