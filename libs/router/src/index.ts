export * from './arm-state';
export * from './beta-sampler';
export * from './thompson-policy';
