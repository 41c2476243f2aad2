import { hashedTextFeatures, logisticBelief, WORD_MODEL } from '../../libs/router/src';
import { ArmStatsRepository, toWordArm, type ScoreToRecord } from '../../libs/storage/src';
import { eventually } from '../support/stack';
import { createTestDatabase } from '../support/test-database';

/** The word models of `learner: hashed_words` routes, as the worker writes them, on the real Postgres. */
describe('word models on the real Postgres', () => {
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let arms: ArmStatsRepository;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    arms = new ArmStatsRepository(testDb.handle.db);
  });
  afterAll(() => testDb.drop());

  const geo = Array.from(hashedTextFeatures('What is the capital city of France', { bits: WORD_MODEL.bits }));
  const law = Array.from(hashedTextFeatures('The plaintiff sued the defendant for breach of contract', { bits: WORD_MODEL.bits }));
  const score = (requestId: string, modelId: string, reward: number, features: number[], route = 'words'): ScoreToRecord => ({
    requestId,
    route,
    contextKey: 'general',
    modelId,
    validatorReward: reward,
    results: [],
    costUsd: 0.001,
    completionTokens: 10,
    discount: 1,
    words: { features, priorQuality: 0.6 },
    scoredAt: new Date(),
  });
  const wordArms = async (route: string) => new Map((await arms.wordChangesAfter(null)).rows.filter((r) => r.route === route).map((r) => [r.model_id, toWordArm(r)]));
  const belief = (arm: ReturnType<typeof toWordArm>, f: number[]) => 1 / (1 + Math.exp(-logisticBelief(arm, f).logit));

  it('teaches each served model its own word model, once per request, in the batch\'s order', async () => {
    const batch: ScoreToRecord[] = [];
    for (let i = 0; i < 40; i++) {
      batch.push(score(`g${i}`, 'cheap', 1, geo));
      batch.push(score(`l${i}`, 'cheap', 0, law));
      batch.push(score(`s${i}`, 'strong', 1, i % 2 ? geo : law));
    }
    const outcomes = await arms.recordScores([...batch, batch[0]]);
    expect(outcomes.filter((o) => o.status === 'recorded')).toHaveLength(120);
    expect(await arms.recordScores(batch.slice(0, 10))).toEqual(Array(10).fill({ status: 'duplicate' }));
    const models = await wordArms('words');
    expect(models.get('cheap')).toMatchObject({ bits: WORD_MODEL.bits, priorPrecision: WORD_MODEL.priorPrecision, observations: 80 });
    expect(models.get('strong')!.observations).toBe(40);
    expect(belief(models.get('cheap')!, geo)).toBeGreaterThan(0.8);
    expect(belief(models.get('cheap')!, law)).toBeLessThan(0.3);
    expect(belief(models.get('strong')!, law)).toBeGreaterThan(0.8);
    // The route's Beta arms learn from the same scores as before (route level and the context).
    const routeArms = (await arms.changesAfter(null)).rows.filter((r) => r.route === 'words' && r.context_key === '');
    expect(routeArms.reduce((n, r) => n + r.observations, 0)).toBe(120);
    expect((await arms.findScore('g0'))?.features).toEqual(geo);
  });

  it("fades the other stored models' evidence on a scored prompt (the route's discount), means towards the prior", async () => {
    const fading = (id: string, modelId: string, features: number[]) => ({ ...score(id, modelId, 1, features, 'fading'), discount: 0.5 });
    await arms.recordScores([fading('f1', 'a', geo), fading('f2', 'b', law)]);
    const before = await wordArms('fading');
    const word = geo.find((k) => k !== 0 && !law.includes(k))!;
    expect(before.get('a')!.weights[2 * word + 1]).toBeGreaterThan(1);
    await arms.recordScore(fading('f3', 'b', geo));
    const after = await wordArms('fading');
    const [q, m] = [before.get('a')!.weights[2 * word + 1], before.get('a')!.weights[2 * word]];
    expect(after.get('a')!.weights[2 * word + 1]).toBeCloseTo(1 + 0.5 * (q - 1), 5);
    expect(after.get('a')!.weights[2 * word]).toBeCloseTo((0.5 * q * m) / (1 + 0.5 * (q - 1)), 5);
    expect(after.get('a')!.observations).toBe(1);
    // A bucket of the scored prompt that model a never saw stays at the prior.
    expect(after.get('b')!.observations).toBe(2);
  });

  it('starts an untrained model from its price prior, and keeps routes apart', async () => {
    await arms.recordScore(score('other-1', 'cheap', 1, geo, 'other'));
    const other = await wordArms('other');
    expect(other.get('cheap')!.observations).toBe(1);
    // The prior (0.6) sits in the bias weight; one success moves this prompt's belief above it.
    expect(other.get('cheap')!.weights[0]).toBeGreaterThan(0);
    expect(belief(other.get('cheap')!, law)).toBeLessThan(belief(other.get('cheap')!, geo));
    expect((await wordArms('words')).get('cheap')!.observations).toBe(80);
  });

  it("scores the words against the context's belief the job carries, and keeps the odds (none without it)", async () => {
    expect((await wordArms('words')).get('cheap')!.wordsLogOdds).toBe(0);
    const withOffset = (id: string, reward: number, features: number[]): ScoreToRecord => {
      const s = score(id, 'cheap', reward, features, 'odds');
      return { ...s, words: { ...s.words!, offset: 0 } };
    };
    const batch: ScoreToRecord[] = [];
    for (let i = 0; i < 30; i++) batch.push(withOffset(`og${i}`, 1, geo), withOffset(`ol${i}`, 0, law));
    await arms.recordScores(batch);
    const cheap = (await wordArms('odds')).get('cheap')!;
    // The context's 50% predicts half of these outcomes; the words soon tell geography from law.
    expect(cheap.wordsLogOdds).toBeGreaterThan(5);
    expect(cheap.observations).toBe(60);
  });

  it('corrects what the word model learned when feedback changes a scored reward', async () => {
    const before = (await wordArms('words')).get('cheap')!;
    // g0 was scored 1 on geography; the user says it was wrong (weight 0.5: reward 1 -> 0.5).
    expect(await arms.applyFeedback('g0', 0, 'wrong', new Date())).toEqual({ status: 'applied', reward: 0.5 });
    const after = (await wordArms('words')).get('cheap')!;
    expect(belief(after, geo)).toBeLessThan(belief(before, geo));
    expect(after.observations).toBe(before.observations);
    expect(after.weights[2 * geo[1]]).toBeCloseTo(before.weights[2 * geo[1]] - (0.5 / Math.sqrt(geo.length)) / before.weights[2 * geo[1] + 1], 5);
    // A bucket the prompt does not have is untouched.
    const untouched = law.find((k) => !geo.includes(k))!;
    expect(after.weights[2 * untouched]).toBeCloseTo(before.weights[2 * untouched], 6);
  });

  it('hands the gateway only the word models written since its last read', async () => {
    const { rows: all, horizon } = await arms.wordChangesAfter(null);
    expect(all.length).toBeGreaterThan(1);
    // Nothing is read again once no older transaction is in flight: at once on a quiet server. The
    // horizon is the cluster's oldest transaction, so while another suite on the same server holds one
    // open the rows come again until it ends (a few reads).
    let next = horizon;
    const after = await eventually(async () => {
      const read = await arms.wordChangesAfter(next);
      next = read.horizon;
      expect(read.rows).toEqual([]);
      return read;
    }, 5_000, 100);
    await arms.recordScore(score('late-1', 'strong', 1, geo));
    expect((await arms.wordChangesAfter(after.horizon)).rows.map((r) => `${r.route}/${r.model_id}`)).toEqual(['words/strong']);
  });

  it('leaves out, before reading their weights, the word models whose version the caller holds', async () => {
    const all = (await arms.wordChangesAfter(null)).rows;
    expect(all.length).toBeGreaterThan(1);
    const known = new Map(all.map((r) => [`${r.route}\u0000${r.model_id}`, r.version]));
    expect((await arms.wordChangesAfter(null, known)).rows).toEqual([]);
    await arms.recordScore(score('late-2', 'cheap', 0, law));
    // The score teaches cheap (discount 1 here: the other models do not fade): only it changes version.
    const changed = (await arms.wordChangesAfter(null, known)).rows;
    expect(changed.map((r) => `${r.route}/${r.model_id}`)).toEqual(['words/cheap']);
    expect(changed.every((r) => r.version !== known.get(`${r.route}\u0000${r.model_id}`))).toBe(true);
  });
});
