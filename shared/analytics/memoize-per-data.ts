/**
 * Computes once per data object, held weakly: a fit evaluates its likelihood thousands of times
 * over the same data, and the lookup tables built from it must not outlive it.
 */
export function memoizePerData<Data extends object, Result>(compute: (data: Data) => Result): (data: Data) => Result {
  const cache = new WeakMap<Data, Result>();
  return (data) => {
    let result = cache.get(data);
    if (result === undefined) {
      result = compute(data);
      cache.set(data, result);
    }
    return result;
  };
}
