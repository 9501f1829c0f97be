#include "textflag.h"

// func dotSSE(a, b []float32) float32
// The order of dotGo: X0 holds the partial sums of elements i%8 = 0..3,
// X1 those of 4..7; then ((s0+s4)+(s2+s6)) + ((s1+s5)+(s3+s7)); then the
// tail one product at a time. MULPS and ADDPS round each step, as Go does.
TEXT ·dotSSE(SB), NOSPLIT, $0-52
	MOVQ  a_base+0(FP), SI
	MOVQ  a_len+8(FP), CX
	MOVQ  b_base+24(FP), DI
	XORPS X0, X0
	XORPS X1, X1

dot8:
	CMPQ   CX, $8
	JLT    dotreduce
	MOVUPS (SI), X2
	MOVUPS 16(SI), X3
	MOVUPS (DI), X4
	MOVUPS 16(DI), X5
	MULPS  X4, X2
	MULPS  X5, X3
	ADDPS  X2, X0
	ADDPS  X3, X1
	ADDQ   $32, SI
	ADDQ   $32, DI
	SUBQ   $8, CX
	JMP    dot8

dotreduce:
	ADDPS   X1, X0        // c[k] = s[k] + s[k+4]
	MOVHLPS X0, X1        // X1 = c2, c3
	ADDPS   X1, X0        // d0 = c0 + c2, d1 = c1 + c3
	MOVAPS  X0, X1
	SHUFPS  $0x55, X1, X1 // X1[0] = d1
	ADDSS   X1, X0        // d0 + d1

dottail:
	TESTQ CX, CX
	JEQ   dotdone
	MOVSS (SI), X2
	MULSS (DI), X2
	ADDSS X2, X0
	ADDQ  $4, SI
	ADDQ  $4, DI
	DECQ  CX
	JMP   dottail

dotdone:
	MOVSS X0, ret+48(FP)
	RET

// func axpySSE(a float32, x, y []float32)
TEXT ·axpySSE(SB), NOSPLIT, $0-56
	MOVSS  a+0(FP), X0
	SHUFPS $0x00, X0, X0
	MOVQ   x_base+8(FP), SI
	MOVQ   x_len+16(FP), CX
	MOVQ   y_base+32(FP), DI

axpy8:
	CMPQ   CX, $8
	JLT    axpytail
	MOVUPS (SI), X1
	MOVUPS 16(SI), X2
	MULPS  X0, X1
	MULPS  X0, X2
	MOVUPS (DI), X3
	MOVUPS 16(DI), X4
	ADDPS  X1, X3
	ADDPS  X2, X4
	MOVUPS X3, (DI)
	MOVUPS X4, 16(DI)
	ADDQ   $32, SI
	ADDQ   $32, DI
	SUBQ   $8, CX
	JMP    axpy8

axpytail:
	TESTQ CX, CX
	JEQ   axpydone
	MOVSS (SI), X1
	MULSS X0, X1
	ADDSS (DI), X1
	MOVSS X1, (DI)
	ADDQ  $4, SI
	ADDQ  $4, DI
	DECQ  CX
	JMP   axpytail

axpydone:
	RET
