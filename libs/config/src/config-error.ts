import type { ZodIssue } from 'zod';

/** Every problem of a configuration, each with its path, so an operator fixes them all in one go. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }

  static fromZod(source: string, issues: ZodIssue[]): ConfigError {
    return new ConfigError(
      source,
      issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
    );
  }
}
