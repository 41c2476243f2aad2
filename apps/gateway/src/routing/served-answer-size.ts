/** Each served answer keeps the earlier ones' weight by this factor: a memory of about 200 answers. */
export const SERVED_SIZE_DISCOUNT = 0.995;

/**
 * The discounted mean completion size of a route's served answers, known as soon as they are served
 * (scores, which carry the same figure into the learned arms, come later).
 */
export class ServedAnswerSize {
  private tokens = 0;
  private weight = 0;

  observe(completionTokens: number): void {
    this.tokens = this.tokens * SERVED_SIZE_DISCOUNT + completionTokens;
    this.weight = this.weight * SERVED_SIZE_DISCOUNT + 1;
  }

  /** Undefined before the first answer. */
  mean(): number | undefined {
    return this.weight > 0 ? this.tokens / this.weight : undefined;
  }
}
