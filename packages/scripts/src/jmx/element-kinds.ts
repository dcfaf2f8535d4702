/**
 * What each supported JMeter test element is, by its test class. An element missing here is
 * not supported: the plan is refused before any request, naming it.
 */
import type { JmxElement } from './jmx-tree.ts';

export const elementKinds = {
  HTTPSamplerProxy: 'http',
  HTTPSampler: 'http',
  TestAction: 'action',
  JSR223Sampler: 'script',
  BeanShellSampler: 'script',
  JSR223PreProcessor: 'pre',
  BeanShellPreProcessor: 'pre',
  JSR223PostProcessor: 'extractor',
  BeanShellPostProcessor: 'extractor',
  DebugSampler: 'debug',
  GenericController: 'controller',
  RecordingController: 'controller',
  LoopController: 'controller',
  WhileController: 'controller',
  IfController: 'controller',
  TransactionController: 'controller',
  OnceOnlyController: 'controller',
  RandomController: 'controller',
  RandomOrderController: 'controller',
  InterleaveControl: 'controller',
  ThroughputController: 'controller',
  RunTime: 'controller',
  ForeachController: 'controller',
  SwitchController: 'controller',
  ModuleController: 'controller',
  HeaderManager: 'headers',
  CookieManager: 'cookies',
  CacheManager: 'cache',
  AuthManager: 'auth',
  CSVDataSet: 'csv',
  CounterConfig: 'counter',
  RandomVariableConfig: 'random',
  Arguments: 'variables',
  ConfigTestElement: 'defaults',
  DNSCacheManager: 'ignored',
  KeystoreConfig: 'ignored',
  JSR223Listener: 'ignored',
  BeanShellListener: 'ignored',
  DebugPostProcessor: 'silent',
  ProxyControl: 'silent',
  WorkBench: 'silent',
  TestFragmentController: 'silent',
  ConstantTimer: 'timer',
  UniformRandomTimer: 'timer',
  GaussianRandomTimer: 'timer',
  PoissonRandomTimer: 'timer',
  ConstantThroughputTimer: 'timer',
  'kg.apc.jmeter.timers.VariableThroughputTimer': 'timer',
  PreciseThroughputTimer: 'timer',
  SyncTimer: 'timer',
  ResponseAssertion: 'assertion',
  DurationAssertion: 'assertion',
  SizeAssertion: 'assertion',
  JSONPathAssertion: 'assertion',
  RegexExtractor: 'extractor',
  BoundaryExtractor: 'extractor',
  JSONPostProcessor: 'extractor',
  HtmlExtractor: 'extractor',
  XPathExtractor: 'extractor',
  XPath2Extractor: 'extractor',
  ResultCollector: 'listener',
  BackendListener: 'listener',
  Summariser: 'listener',
  ResultSaver: 'listener',
} as const;
export type ElementKind = (typeof elementKinds)[keyof typeof elementKinds];

/** The kind of `el`, or undefined when it is not supported. */
export function kindOf(el: JmxElement): ElementKind | undefined {
  if (Object.hasOwn(elementKinds, el.type)) return elementKinds[el.type as keyof typeof elementKinds];
  // Listeners of plugins are result collectors with a GUI of their own.
  // (PerfMon, JMXMon, DbMon and the mailer are collectors too.)
  if (/\.(vizualizers|listener|reporters)\./i.test(el.type) || /Collector$/.test(el.type)) return 'listener';
  return undefined;
}

/** Kinds that shape the samplers in their scope rather than run. */
export const scopeKinds: ReadonlySet<ElementKind> = new Set([
  'pre',
  'headers',
  'cookies',
  'cache',
  'auth',
  'defaults',
  'timer',
  'assertion',
  'extractor',
]);
