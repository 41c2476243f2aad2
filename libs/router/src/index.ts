export * from './arm-state';
export * from './beta-sampler';
export * from './budget-pacer';
export * from './context';
export * from './thompson-policy';
export * from './linear-thompson';
export * from './hashed-logistic';
export * from './drift-detector';
