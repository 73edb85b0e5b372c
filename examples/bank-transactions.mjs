// Course chapter 1, forward propagation: predict a bank customer's number of transactions from
// #children and #accounts with fixed weights, node by node.
import { tensor2d, useBackend } from '@neurite/core';
import { Dense } from '@neurite/layers';
import { sequential } from '@neurite/model';

await useBackend();
const hidden = new Dense({ units: 2, activation: 'relu', useBias: false, inputShape: [2], name: 'hidden' });
const output = new Dense({ units: 1, useBias: false, name: 'output' });
const model = sequential([hidden, output]);
model.build();
// hidden kernel [inputs, units]: node 0 weights (children 1, accounts 1), node 1 weights (children -1, accounts 1)
hidden.setWeightValues([[1, -1, 1, 1]]);
output.setWeightValues([[2, -1]]);

const customer = { children: 2, accounts: 3 };
const [h, out] = model.activations(tensor2d([[customer.children, customer.accounts]]));
const [n0, n1] = await h.output.data();
console.log(`input: ${customer.children} children, ${customer.accounts} accounts`);
console.log(`hidden node 0 = relu(2*1 + 3*1)  = ${n0}`);
console.log(`hidden node 1 = relu(2*-1 + 3*1) = ${n1}`);
console.log(`output        = ${n0}*2 + ${n1}*(-1) = ${(await out.output.data())[0]} transactions`);
