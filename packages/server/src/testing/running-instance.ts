/**
 * The instance of the running test, as one object whose every property is read from it (methods
 * bound to it): a suite's areas are registered once, before any test runs, and each test gets a new
 * instance from `beforeEach`, so the functions registering them are handed this view instead.
 */
export function instanceOfTheRunningTest<T extends object>(current: () => T): T {
  return new Proxy({} as T, {
    get(_target, property) {
      const instance = current();
      const value: unknown = Reflect.get(instance, property, instance);
      return typeof value === 'function' ? value.bind(instance) : value;
    },
  });
}
